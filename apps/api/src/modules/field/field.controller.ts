import { Controller, Get, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ZBody, ZParams, ZQuery } from '../../core/http/zod';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { idParams, patrolSummaryQuery, patrolsQuery, positionsBody, visitBody, visitsQuery, workersQuery } from './field.schemas';
import { PatrolsService } from './patrols.service';
import { PositionsService } from './positions.service';
import { VisitsService } from './visits.service';
import { WorkersService } from './workers.service';

@ApiTags('field')
@Controller('api')
export class FieldController {
  constructor(
    private readonly positions: PositionsService,
    private readonly workers: WorkersService,
    private readonly patrols: PatrolsService,
    private readonly visits: VisitsService,
  ) {}

  /** A batch of the signed-in grid worker's positions. Idempotency-Key: a re-sent batch stores nothing twice. */
  @Post('field/positions')
  @HttpCode(202)
  @Requires('events:act')
  ingest(@CurrentPrincipal() p: Principal, @ZBody(positionsBody) body: z.output<typeof positionsBody>, @Headers('idempotency-key') key: string | undefined) {
    return this.positions.ingest(
      p,
      body.positions.map((x) => ({ ...x, accuracy: x.accuracy ?? null })),
      key,
    );
  }

  /** Latest position and state of every worker in the caller's jurisdiction (the wall's layer). */
  @Get('field/positions/latest')
  @Requires('events:command')
  async latest(@CurrentPrincipal() p: Principal) {
    return { workers: await this.positions.latestInScope(p) };
  }

  /** Who can take a case at lon,lat: the grid's staff first, then nearest (KNN on latest positions), with state and load. */
  @Get('workers')
  @Requires('events:command')
  near(@CurrentPrincipal() p: Principal, @ZQuery(workersQuery) q: z.output<typeof workersQuery>) {
    return this.workers.near(p, q);
  }

  /** Start a patrol (the signed-in grid worker's; one at a time). */
  @Post('patrols')
  @HttpCode(201)
  @Requires('events:act')
  start(@CurrentPrincipal() p: Principal) {
    return this.patrols.start(p);
  }

  @Post('patrols/:id/end')
  @HttpCode(200)
  @Requires('events:act')
  end(@CurrentPrincipal() p: Principal, @ZParams(idParams) { id }: z.output<typeof idParams>) {
    return this.patrols.end(p, id);
  }

  /** Patrol time and coverage by worker or grid over a period (default the last 24 h), in the caller's jurisdiction. */
  @Get('patrols/summary')
  @Requires('events:read')
  summary(@CurrentPrincipal() p: Principal, @ZQuery(patrolSummaryQuery) q: z.output<typeof patrolSummaryQuery>) {
    return this.patrols.summary(p, q);
  }

  /** Patrols with track (GeoJSON), duration and grid coverage (50 m around the track). Audited: tracks are position history. */
  @Get('patrols')
  @Requires('events:read')
  list(@CurrentPrincipal() p: Principal, @ZQuery(patrolsQuery) q: z.output<typeof patrolsQuery>) {
    return this.patrols.list(p, q);
  }

  /** Log a household visit (走访) against a person, household or place; Idempotency-Key honoured. */
  @Post('visits')
  @HttpCode(201)
  @Requires('registry:write')
  visit(@CurrentPrincipal() p: Principal, @ZBody(visitBody) body: z.output<typeof visitBody>, @Headers('idempotency-key') key: string | undefined) {
    return this.visits.create(p, body, key);
  }

  @Get('visits')
  @Requires('registry:read')
  listVisits(@CurrentPrincipal() p: Principal, @ZQuery(visitsQuery) q: z.output<typeof visitsQuery>) {
    return this.visits.list(p, q);
  }
}
