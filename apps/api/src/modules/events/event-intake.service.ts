import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventSource, EventState, Urgency } from '@gc/contracts';
import { toWgs84, type InputCrs } from '@gc/geo';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import { maskPhone } from '../../core/security/pii-crypto';
import { AreaLookupService } from '../areas/area-lookup.service';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { ChangeFeedRepository } from '../live/change-feed.repository';
import { actionsFor, pathInScope } from './event-access';
import { EventCatalogService } from './event-catalog.service';
import { EventIdempotencyService } from './event-idempotency.service';
import type { TimelineEntry } from './event-log.repository';
import { maskName, summaryOf, toDetail, toSummary, type EventDetail } from './event-view';
import { EventsRepository } from './events.repository';

export interface EventInput {
  title: string;
  description?: string;
  category: string;
  urgency?: Urgency;
  source?: EventSource;
  lon?: number;
  lat?: number;
  crs?: InputCrs;
  address?: string;
  reporter?: { name?: string; phone?: string };
  externalId?: string;
  attachments?: unknown[];
}

/** History import: original times and outcome (closed or still open). */
export interface HistoricalInput extends EventInput {
  reportedAt: Date;
  closedAt?: Date;
  state?: EventState;
}

function defaultSource(p: Principal): EventSource {
  if (p.roles.includes('grid_worker')) return 'patrol';
  if (p.kind === 'api_key') return 'system';
  return 'operator';
}

/**
 * Intake from every channel (operator, grid worker, hotline, Open311, other systems).
 * One transaction: idempotency claim, grid attribution, the event, its first log
 * entry, the audit row and the outbox row. No usable location: state `unplaced`.
 */
@Injectable()
export class EventIntakeService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: EventsRepository,
    private readonly catalog: EventCatalogService,
    private readonly areas: AreaLookupService,
    private readonly audit: AuditService,
    private readonly feed: ChangeFeedRepository,
    private readonly idempotency: EventIdempotencyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Create one event; `idempotencyKey` makes a retry return the first answer. */
  async create(p: Principal, input: EventInput, opts: { idempotencyKey?: string; requestId?: string; route?: string } = {}): Promise<EventDetail> {
    const category = await this.catalog.category(input.category);
    return this.tx.run((tx) =>
      this.idempotency.run(
        tx,
        p,
        opts.idempotencyKey,
        { route: opts.route ?? 'POST /api/events', input },
        () => this.insert(tx, p, input, category.code, null, opts.requestId),
        // only for a first execution (a retry returns the stored answer and appends nothing)
        (detail) => this.feed.append(tx, { type: 'event.created', entityId: detail.id, areaPath: detail.areaPath, payload: summaryOf(detail) }).then(() => undefined),
      ),
    );
  }

  /** Insert a historical case with its original times (bulk import for analysis); no outbox row per record. */
  async createHistorical(tx: EntityManager, p: Principal, input: HistoricalInput): Promise<number> {
    await this.catalog.category(input.category);
    const detail = await this.insert(tx, p, input, input.category, input, undefined);
    return detail.id;
  }

  private async insert(tx: EntityManager, p: Principal, input: EventInput, categoryCode: string, history: HistoricalInput | null, requestId?: string): Promise<EventDetail> {
    const category = await this.catalog.category(categoryCode);
    const urgency = input.urgency ?? 'normal';
    const located = input.lon !== undefined && input.lat !== undefined;
    const [lon, lat] = located ? toWgs84([input.lon!, input.lat!], input.crs ?? 'wgs84') : [null, null];
    // History: the grid that owned the place on that day; when the territory was not drawn yet, today's grid.
    const grid =
      lon !== null && lat !== null
        ? ((history ? await this.areas.attribute(tx, lon, lat, history.reportedAt) : null) ?? (await this.areas.attribute(tx, lon, lat)))
        : null;
    // A caller with a limited jurisdiction may not file a located event outside it (grid workers report in their own grids).
    if (located && !pathInScope(p.scopePath, grid?.path ?? null)) {
      throw new AppException('FORBIDDEN', 'this location is outside your jurisdiction', { field: 'body.lon', jurisdiction: p.jurisdiction, grid: grid?.code ?? null });
    }
    const now = history?.reportedAt ?? new Date();
    const state: EventState = history ? (history.state ?? (history.closedAt ? 'closed' : grid ? 'reported' : 'unplaced')) : grid ? 'reported' : 'unplaced';
    const deadline = grid && state === 'reported' ? this.catalog.deadline(category, urgency, 'accept', now) : null;
    const dup = grid && !history && this.config.DUPLICATE_RADIUS_M > 0 ? { metres: this.config.DUPLICATE_RADIUS_M, hours: this.config.DUPLICATE_WINDOW_HOURS } : null;
    const note = grid ? null : located ? 'outside the territory: waits for an operator to place it' : 'no location: waits for an operator to place it';
    const row = await this.repo.insertWithLog(
      tx,
      {
        title: input.title,
        description: input.description ?? null,
        category: category.code,
        urgency,
        source: input.source ?? defaultSource(p),
        state,
        lon,
        lat,
        gridId: grid?.id ?? null,
        gridCode: grid?.code ?? null,
        areaPath: grid?.path ?? null,
        address: input.address ?? null,
        reporterName: maskName(input.reporter?.name),
        reporterPhone: maskPhone(input.reporter?.phone),
        stage: deadline?.stage ?? null,
        stageLimitMinutes: deadline?.limitMinutes ?? null,
        warnAt: deadline?.warnAt ?? null,
        dueAt: deadline?.dueAt ?? null,
        suspectedDuplicateOf: null,
        externalSource: input.externalId ? (p.kind === 'api_key' ? `key:${p.id}` : (input.source ?? defaultSource(p))) : null,
        externalId: input.externalId ?? null,
        reportedAt: history?.reportedAt ?? null,
        closedAt: history?.closedAt ?? null,
        handledOnTime: null,
        createdBy: p.name,
      },
      {
        actorKind: p.kind,
        actorId: p.id,
        actorName: p.name,
        action: history ? 'import' : 'report',
        note,
        attachments: input.attachments ?? [],
      },
      dup,
    );
    const summary = toSummary(row);
    await this.audit.write(tx, p, history ? 'import' : 'create', 'event', row.id, null, summary, { requestId, areaPath: row.areaPath });
    const { logId, logAt, ...event } = row;
    const first: TimelineEntry = {
      id: logId,
      at: logAt as unknown as string,
      actor: p.name,
      actorKind: p.kind,
      action: history ? 'import' : 'report',
      from: null,
      to: event.state,
      note,
      lon: event.lon,
      lat: event.lat,
      department: null,
      attachments: input.attachments ?? [],
      data: event.suspectedDuplicateOf ? { suspectedDuplicateOf: event.suspectedDuplicateOf } : {},
    };
    return toDetail(event, [first], [], actionsFor(p, event.state, event.departmentId));
  }
}
