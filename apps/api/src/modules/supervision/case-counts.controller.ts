import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ZQuery } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { CaseCountsService } from './case-counts.service';
import { caseCountsQuery } from './supervision.schemas';

/** For the grid studio's comparison (analysts and administrators): what a redraw does to each grid's case record. */
@ApiTags('areas')
@Controller('api/areas')
export class CaseCountsController {
  constructor(private readonly counts: CaseCountsService) {}

  /**
   * Cases reported from `from` to `to` (Shanghai days, inclusive; default the last 30 days) under an
   * area, per grid: attributed to the grid of the day each was reported ("as then") and to today's
   * grid at its location ("as now").
   */
  @Get('case-counts')
  @Requires('areas:write')
  caseCounts(@CurrentPrincipal() p: Principal, @ZQuery(caseCountsQuery) q: z.output<typeof caseCountsQuery>) {
    return this.counts.caseCounts(p, q);
  }
}
