import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZQuery, zId } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { AreaCompareService } from './area-compare.service';

const zCode = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'letters, digits and underscore, at most 64');
const compareQuery = z.strictObject({ from: zId, to: zId, parentCode: zCode.optional() });
const historyQuery = z.strictObject({ code: zCode });

/** Versions side by side (grid studio: analysts and administrators, within their jurisdiction). */
@ApiTags('areas')
@Controller('api/areas/versions')
export class AreaCompareController {
  constructor(private readonly compares: AreaCompareService) {}

  /**
   * Two versions compared: the territory as each left it (a draft: the current areas with it
   * applied), within the deepest area holding both (or `parentCode`), by code: added, removed,
   * reshaped (with the change of area) and unchanged, and both sides as GeoJSON to draw.
   */
  @Get('compare')
  @Requires('areas:write')
  compare(@CurrentPrincipal() p: Principal, @ZQuery(compareQuery) q: z.output<typeof compareQuery>) {
    return this.compares.compare(p, q.from, q.to, q.parentCode ?? null);
  }

  /** The versions an area went through: those with rows at or under it (its own, its children's, its micro-grids'), newest first. */
  @Get('history')
  @Requires('areas:write')
  history(@CurrentPrincipal() p: Principal, @ZQuery(historyQuery) q: z.output<typeof historyQuery>) {
    return this.compares.history(p, q.code);
  }
}
