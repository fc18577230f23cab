import { Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZBody, ZParams, ZQuery, zId } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { AreaProposalService, MAX_PROPOSED_GRIDS } from './area-proposal.service';
import { AreaRepairService } from './area-repair.service';
import { AreaStudioService } from './area-studio.service';
import { featureCollectionSchema, type FeatureCollectionInput } from './geojson-check';

const zCode = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'letters, digits and underscore, at most 64');
const versionParams = z.strictObject({ versionId: zId });
const draftBody = z.strictObject({ parentCode: zCode, label: z.string().trim().min(1).max(200).optional() });
const proposalBody = z
  .strictObject({
    parentCode: zCode,
    grids: z.number().int().min(1).max(MAX_PROPOSED_GRIDS).optional(),
    householdsPerGrid: z.number().int().min(1).max(100_000).optional(),
  })
  .refine((b) => (b.grids === undefined) !== (b.householdsPerGrid === undefined), { message: 'give exactly one of grids and householdsPerGrid', path: ['grids'] });
const repairBody = z
  .strictObject({
    apply: z.boolean().default(true),
    maxGapM2: z.number().min(0).max(1e8).default(5000),
  })
  .default({ apply: true, maxGapM2: 5000 });
const balanceQuery = z.strictObject({
  min: z.coerce.number().int().min(0).max(1e6).default(300),
  max: z.coerce.number().int().min(0).max(1e6).default(500),
});

/**
 * The grid studio's API (analysts and administrators, within their jurisdiction): drafts copied
 * from the published areas, saving edits, repair, proposals, balance and impact.
 */
@ApiTags('areas')
@Controller('api/areas')
export class AreaStudioController {
  constructor(
    private readonly studio: AreaStudioService,
    private readonly repairs: AreaRepairService,
    private readonly proposals: AreaProposalService,
  ) {}

  /** A draft of one area's children (a community's grids, a street's communities) copied from the published version. */
  @Post('drafts')
  @HttpCode(201)
  @Requires('areas:write')
  draft(@CurrentPrincipal() p: Principal, @ZBody(draftBody) b: z.output<typeof draftBody>) {
    return this.studio.createDraft(p, b.parentCode, b.label);
  }

  /** Replace a draft's areas with an edited set (properties: code, name); answers the topology check of the result. */
  @Put('versions/:versionId/features')
  @Requires('areas:write')
  save(@CurrentPrincipal() p: Principal, @ZParams(versionParams) { versionId }: z.output<typeof versionParams>, @ZBody(featureCollectionSchema) fc: FeatureCollectionInput) {
    return this.studio.saveFeatures(p, versionId, fc);
  }

  /** Resolve overlaps, clip to the parent, fill small gaps, absorb slivers; every change reported. `apply: false` previews. */
  @Post('versions/:versionId/repair')
  @HttpCode(200)
  @Requires('areas:write')
  repair(@CurrentPrincipal() p: Principal, @ZParams(versionParams) { versionId }: z.output<typeof versionParams>, @ZBody(repairBody) b: z.output<typeof repairBody>) {
    return this.repairs.repair(p, versionId, b);
  }

  /** Divide a community or street into N grids, or grids of about H households, as a new draft. */
  @Post('proposals')
  @HttpCode(201)
  @Requires('areas:write')
  propose(@CurrentPrincipal() p: Principal, @ZBody(proposalBody) b: z.output<typeof proposalBody>) {
    return this.proposals.propose(p, b);
  }

  /** Per area of a version: households, people, places, components, organizations, cases (90 days), area, compactness; outliers and spread. */
  @Get('versions/:versionId/balance')
  @Requires('areas:write')
  balance(@CurrentPrincipal() p: Principal, @ZParams(versionParams) { versionId }: z.output<typeof versionParams>, @ZQuery(balanceQuery) q: z.output<typeof balanceQuery>) {
    return this.studio.balance(p, versionId, q);
  }

  /**
   * The basemap under the maps: Nanjing's OSM water and land use are served offline from
   * /basemap; a deployment with internet may add an online raster basemap (e.g. 天地图 with its
   * key) with BASEMAP_TILE_URL (an {z}/{x}/{y} template) and BASEMAP_ATTRIBUTION.
   */
  @Get('basemap')
  @Requires('areas:read')
  basemap() {
    const url = process.env.BASEMAP_TILE_URL?.trim();
    const online = url && /^https:\/\/[^\s]+\{z\}[^\s]*$/.test(url) ? { tiles: [url], attribution: process.env.BASEMAP_ATTRIBUTION?.trim() || url.split('/')[2] } : null;
    return { offline: { water: '/basemap/nanjing-water.geojson', landuse: '/basemap/nanjing-landuse.geojson', attribution: '© OpenStreetMap contributors' }, online };
  }

  /** What publishing a draft would change: records that move grid, staff who lose or keep reshaped grids, added/removed/reshaped areas. */
  @Get('versions/:versionId/impact')
  @Requires('areas:write')
  impact(@CurrentPrincipal() p: Principal, @ZParams(versionParams) { versionId }: z.output<typeof versionParams>) {
    return this.studio.impact(p, versionId);
  }
}
