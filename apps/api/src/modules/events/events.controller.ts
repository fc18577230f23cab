import { Body, Controller, Get, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { jsonSchema, ZBody, ZodPipe, ZParams, ZQuery } from '../../core/http/zod';
import { csvItems } from './event-import.csv';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { RateLimit } from '../auth/rate-limit';
import { idempotencyKey } from './event-idempotency.service';
import { AppException } from '../../core/http/app-exception';
import { EventBatchService } from './event-batch.service';
import { EventImportService } from './event-import.service';
import { EventIntakeService } from './event-intake.service';
import { EventQueryService } from './event-query.service';
import { EventWorkflowService } from './event-workflow.service';
import { EventCatalogService } from './event-catalog.service';
import {
  batchEventsBody,
  batchEventsDoc,
  createEventBody,
  idParams,
  importEventsBody,
  listEventsQuery,
  nearbyQuery,
  openSummonsesQuery,
  onTimeQuery,
  reportInBody,
  summonsBody,
  summonsParams,
  transitionBody,
} from './events.schemas';
import { SummonsService } from './summons.service';

@ApiTags('events')
@Controller('api')
export class EventsController {
  constructor(
    private readonly intake: EventIntakeService,
    private readonly workflow: EventWorkflowService,
    private readonly query: EventQueryService,
    private readonly summons: SummonsService,
    private readonly importer: EventImportService,
    private readonly catalog: EventCatalogService,
    private readonly batches: EventBatchService,
  ) {}

  /** Operator / grid worker / other systems. Idempotency-Key: a retry returns the first answer. */
  @Post('events')
  @Requires('events:create')
  @RateLimit('RATE_LIMIT_INTAKE_PER_MINUTE')
  create(@CurrentPrincipal() p: Principal, @ZBody(createEventBody) body: z.output<typeof createEventBody>, @Headers('idempotency-key') key: string | undefined, @Req() req: FastifyRequest) {
    return this.intake.create(p, body, { idempotencyKey: idempotencyKey(key), requestId: req.id });
  }

  /**
   * Live intake in batches (e.g. the 12345 hotline's tickets): each item as POST /api/events would
   * take it, reported per index; externalId or the batch's Idempotency-Key make a re-send harmless.
   */
  @Post('events/batch')
  @Requires('events:create')
  @RateLimit('RATE_LIMIT_INTAKE_PER_MINUTE')
  @HttpCode(200)
  @ApiBody({ schema: jsonSchema(batchEventsDoc) })
  batch(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(batchEventsBody, 'body')) body: z.output<typeof batchEventsBody>, @Headers('idempotency-key') key: string | undefined, @Req() req: FastifyRequest) {
    const batchKey = idempotencyKey(key);
    if (batchKey && batchKey.length > 120) {
      throw new AppException('VALIDATION_FAILED', 'invalid header idempotency-key: at most 120 characters for a batch', [{ field: 'headers.idempotency-key', message: 'at most 120 characters for a batch' }]);
    }
    return this.batches.create(p, body.events, { idempotencyKey: batchKey, requestId: req.id });
  }

  /**
   * Bulk import of historical cases with their original times and outcomes (for analysis; no live push).
   * JSON array, or text/csv with a header row of the same field names (reporter_name / reporter_phone for the reporter).
   */
  @Post('events/import')
  @Requires('events:command')
  @HttpCode(200)
  @ApiBody({ schema: jsonSchema(importEventsBody), description: 'JSON array, or text/csv with the same columns' })
  import(@CurrentPrincipal() p: Principal, @Body() raw: unknown) {
    const items = typeof raw === 'string' ? csvItems(raw) : raw;
    return this.importer.import(p, new ZodPipe(importEventsBody, 'body').transform(items));
  }

  @Get('events')
  @Requires('events:read')
  list(@CurrentPrincipal() p: Principal, @ZQuery(listEventsQuery) q: z.output<typeof listEventsQuery>) {
    return this.query.list(p, {
      states: q.state,
      area: q.area,
      categories: q.category ? [q.category] : undefined,
      department: q.department,
      overdue: q.overdue,
      since: q.since,
      until: q.until,
      beforeId: q.before,
      limit: q.limit,
    });
  }

  @Get('events/on-time')
  @Requires('events:read')
  onTime(@CurrentPrincipal() p: Principal, @ZQuery(onTimeQuery) q: z.output<typeof onTimeQuery>) {
    return this.query.onTime(p, q.since ?? null);
  }

  @Get('event-categories')
  @Requires('events:read')
  async categories() {
    const rows = await this.catalog.categories();
    return { categories: rows.map((c) => ({ code: c.code, group: c.parentCode, groupName: c.groupName, name: c.name, nameEn: c.nameEn, departments: c.departments, stageLimits: c.stageLimits })) };
  }

  /** Departments with their names, for dispatch and summons pickers. */
  @Get('departments')
  @Requires('events:read')
  async departments() {
    const rows = await this.catalog.allDepartments();
    return { departments: rows.map((d) => ({ code: d.code, name: d.name, nameEn: d.nameEn })) };
  }

  /** Open cases within `radius` metres of a point: duplicate candidates while a report is taken. */
  @Get('events/nearby')
  @Requires('events:read')
  nearby(@CurrentPrincipal() p: Principal, @ZQuery(nearbyQuery) q: z.output<typeof nearbyQuery>) {
    return this.query.nearby(p, q);
  }

  /** The open summonses board: departments, deadlines, who reported in, who is late. */
  @Get('summonses')
  @Requires('events:read')
  openSummonses(@CurrentPrincipal() p: Principal, @ZQuery(openSummonsesQuery) q: z.output<typeof openSummonsesQuery>) {
    return this.query.openSummonses(p, q.limit);
  }

  @Get('events/:id')
  @Requires('events:read')
  get(@CurrentPrincipal() p: Principal, @ZParams(idParams) params: z.output<typeof idParams>) {
    return this.query.get(p, params.id);
  }

  @Post('events/:id/transitions')
  @Requires('events:read')
  @HttpCode(200)
  transition(
    @CurrentPrincipal() p: Principal,
    @ZParams(idParams) params: z.output<typeof idParams>,
    @ZBody(transitionBody) body: z.output<typeof transitionBody>,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: FastifyRequest,
  ) {
    const { action, ...input } = body;
    return this.workflow.transition(p, params.id, action, input, { idempotencyKey: idempotencyKey(key), requestId: req.id });
  }

  @Post('events/:id/summons')
  @Requires('events:command')
  summon(
    @CurrentPrincipal() p: Principal,
    @ZParams(idParams) params: z.output<typeof idParams>,
    @ZBody(summonsBody) body: z.output<typeof summonsBody>,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: FastifyRequest,
  ) {
    return this.summons.summon(p, params.id, body, { idempotencyKey: idempotencyKey(key), requestId: req.id });
  }

  @Post('events/:id/summons/:sid/report-in')
  @Requires('events:act')
  @HttpCode(200)
  reportIn(
    @CurrentPrincipal() p: Principal,
    @ZParams(summonsParams) params: z.output<typeof summonsParams>,
    @ZBody(reportInBody) body: z.output<typeof reportInBody>,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: FastifyRequest,
  ) {
    return this.summons.reportIn(p, params.id, params.sid, body?.note, { idempotencyKey: idempotencyKey(key), requestId: req.id });
  }
}
