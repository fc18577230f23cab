import { Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AREA_LEVELS, IMPORT_CRS, IMPORT_MODES, STAFF_ROLES } from '@gc/contracts';
import { ZBody, ZParams, ZQuery, zDate, zId } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { AreaImportJobs } from './area-import-jobs.service';
import { AreaImportService } from './area-import.service';
import { AreaPublishService } from './area-publish.service';
import { AreaTilesService } from './area-tiles.service';
import { AreasService } from './areas.service';
import { featureCollectionSchema, type FeatureCollectionInput } from './geojson-check';

const zCode = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'letters, digits and underscore, at most 64');
const zBool = z.enum(['true', 'false']).transform((v) => v === 'true');
const zProp = z.string().min(1).max(128);

const importQuery = z.strictObject({
  level: z.enum(AREA_LEVELS),
  codeProperty: zProp,
  nameProperty: zProp.optional(),
  parentProperty: zProp.optional(),
  crs: z.enum(IMPORT_CRS).default('wgs84'),
  mode: z.enum(IMPORT_MODES).default('all-or-nothing'),
  repair: zBool.default(false),
  versionId: zId.optional(),
  label: z.string().max(200).optional(),
  // Run as a background job even when small enough to answer at once (large imports always do).
  job: zBool.default(false),
});
const jobParams = z.strictObject({ jobId: z.uuid() });
const versionParams = z.strictObject({ versionId: zId });
const publishBody = z.strictObject({ acknowledgeGaps: z.boolean().default(false) }).default({ acknowledgeGaps: false });
const locateQuery = z.strictObject({
  lon: z.coerce.number().min(-180).max(180),
  lat: z.coerce.number().min(-90).max(90),
  at: zDate.optional(),
});
const listQuery = z.strictObject({
  level: z.enum(AREA_LEVELS).optional(),
  parent: zCode.optional(),
  q: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
const codeParams = z.strictObject({ code: zCode });
const atQuery = z.strictObject({ at: zDate.optional() });
const exportQuery = z.strictObject({ level: z.enum(AREA_LEVELS).optional(), version: zId.optional() });
const staffBody = z.strictObject({
  role: z.enum(STAFF_ROLES),
  name: z.string().trim().min(1).max(100),
  userId: zId.optional(),
  validFrom: zDate.optional(),
  validTo: zDate.optional(),
});

@ApiTags('areas')
@Controller('api/areas')
export class AreasController {
  constructor(
    private readonly areas: AreasService,
    private readonly importer: AreaImportService,
    private readonly jobs: AreaImportJobs,
    private readonly publisher: AreaPublishService,
    private readonly tiles: AreaTilesService,
  ) {}

  /**
   * Import one level from a GeoJSON FeatureCollection into a draft version; one result per feature.
   * Up to AREA_IMPORT_JOB_VERTICES vertices (and without `job=true`) it answers 201 with the results;
   * a larger import answers 202 with a job to follow at `GET /api/areas/import-jobs/{jobId}`.
   */
  @Post('import')
  @HttpCode(201)
  @Requires('areas:write')
  import(@CurrentPrincipal() p: Principal, @ZQuery(importQuery) q: z.output<typeof importQuery>, @ZBody(featureCollectionSchema) body: FeatureCollectionInput, @Res({ passthrough: true }) reply: FastifyReply) {
    const { job, ...options } = q;
    const size = this.importer.measure(body);
    if (!job && !this.importer.runsAsJob(size)) return this.importer.import(p, body, options);
    const started = this.jobs.start(p, body, options, size);
    void reply.status(202).header('location', `/api/areas/import-jobs/${started.id}`);
    return started;
  }

  /** An import job's progress and, once finished, its results or error (the starter's, or any to an admin). */
  @Get('import-jobs/:jobId')
  @Requires('areas:write')
  importJob(@CurrentPrincipal() p: Principal, @ZParams(jobParams) { jobId }: z.output<typeof jobParams>) {
    return this.jobs.get(p, jobId);
  }

  /** Cancel a running import job: it stops at its next step and removes what it wrote. */
  @Delete('import-jobs/:jobId')
  @HttpCode(202)
  @Requires('areas:write')
  cancelImportJob(@CurrentPrincipal() p: Principal, @ZParams(jobParams) { jobId }: z.output<typeof jobParams>) {
    return this.jobs.cancel(p, jobId);
  }

  @Get('versions')
  @Requires('areas:read')
  async versions() {
    return { versions: await this.areas.versions() };
  }

  /** Overlaps, gaps, children outside their parent, slivers, duplicate codes, non-contiguous areas (GeoJSON). */
  @Get('versions/:versionId/topology')
  @Requires('areas:read')
  topology(@CurrentPrincipal() p: Principal, @ZParams(versionParams) { versionId }: z.output<typeof versionParams>) {
    return this.publisher.topologyOf(p, versionId);
  }

  @Post('versions/:versionId/publish')
  @HttpCode(200)
  @Requires('areas:write')
  publish(@CurrentPrincipal() p: Principal, @ZParams(versionParams) { versionId }: z.output<typeof versionParams>, @ZBody(publishBody) body: z.output<typeof publishBody>) {
    this.jobs.assertNotWriting(versionId);
    return this.publisher.publish(p, versionId, body.acknowledgeGaps);
  }

  /** The grid at a point (the version valid at `at`, default now) and its chain of parents, inside the caller's jurisdiction. */
  @Get('locate')
  @Requires('areas:read')
  locate(@CurrentPrincipal() p: Principal, @ZQuery(locateQuery) q: z.output<typeof locateQuery>) {
    return this.areas.locate(p, q.lon, q.lat, q.at ?? null);
  }

  /** One level of one version (default: the current areas) as a GeoJSON FeatureCollection. */
  @Get('export')
  @Requires('areas:read')
  export(@CurrentPrincipal() p: Principal, @ZQuery(exportQuery) q: z.output<typeof exportQuery>) {
    return this.areas.export(p, q.level ?? null, q.version ?? null);
  }

  /** TileJSON for the wall map; the tile URL carries the current version key. */
  @Get('tiles.json')
  @Requires('areas:read')
  async tileJson(@Req() req: FastifyRequest) {
    const key = await this.tiles.versionKey();
    const base = `${req.protocol}://${req.headers.host ?? 'localhost'}`;
    return {
      tilejson: '3.0.0',
      name: 'areas',
      version: key,
      scheme: 'xyz',
      tiles: [`${base}/api/tiles/areas/${key}/{z}/{x}/{y}.mvt`],
      minzoom: 0,
      maxzoom: 22,
      vector_layers: [{ id: 'areas', fields: { code: 'String', name: 'String', level: 'String', parent_code: 'String' }, minzoom: 0, maxzoom: 22 }],
    };
  }

  /** Current areas within the caller's jurisdiction. */
  @Get()
  @Requires('areas:read')
  async list(@CurrentPrincipal() p: Principal, @ZQuery(listQuery) q: z.output<typeof listQuery>) {
    return { areas: await this.areas.list(p, q) };
  }

  @Get(':code')
  @Requires('areas:read')
  get(@CurrentPrincipal() p: Principal, @ZParams(codeParams) { code }: z.output<typeof codeParams>, @ZQuery(atQuery) q: z.output<typeof atQuery>) {
    return this.areas.get(p, code, q.at ?? null);
  }

  /** Assign grid staff (一长二员) with a period. */
  @Post(':code/staff')
  @HttpCode(201)
  @Requires('areas:write')
  addStaff(@CurrentPrincipal() p: Principal, @ZParams(codeParams) { code }: z.output<typeof codeParams>, @ZBody(staffBody) body: z.output<typeof staffBody>) {
    return this.areas.addStaff(p, code, body);
  }

  @Get(':code/staff')
  @Requires('areas:read')
  async staff(@CurrentPrincipal() p: Principal, @ZParams(codeParams) { code }: z.output<typeof codeParams>, @ZQuery(atQuery) q: z.output<typeof atQuery>) {
    return { staff: await this.areas.staff(p, code, q.at ?? null) };
  }
}
