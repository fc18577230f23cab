import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ZParams } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { AreaTilesService } from './area-tiles.service';

const tileParams = z.strictObject({
  versionKey: z.string().regex(/^v\d{1,15}$/, 'a version key like v12 (from /api/areas/tiles.json)'),
  z: z.coerce.number().int().min(0).max(22),
  x: z.coerce.number().int().min(0),
  y: z.coerce.number().int().min(0),
});

@ApiTags('areas')
@Controller('api/tiles/areas')
export class AreaTilesController {
  constructor(private readonly tiles: AreaTilesService) {}

  /**
   * One vector tile, layer `areas` (code, name, level, parent_code). The URL names the
   * version, so its content never changes for one caller: long private cache, varying by the
   * token (tiles hold only the caller's jurisdiction and the areas it lies in).
   */
  @Get(':versionKey/:z/:x/:y.mvt')
  @Requires('areas:read')
  async tile(@CurrentPrincipal() who: Principal, @ZParams(tileParams) p: z.output<typeof tileParams>, @Res({ passthrough: true }) reply: FastifyReply) {
    const tile = await this.tiles.tile(p.versionKey, p.z, p.x, p.y, scopeParam(who));
    void reply.header('content-type', 'application/vnd.mapbox-vector-tile').header('cache-control', 'private, max-age=31536000, immutable').header('vary', 'Authorization');
    return tile;
  }
}
