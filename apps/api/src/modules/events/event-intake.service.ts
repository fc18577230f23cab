import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { distance } from '@turf/turf';
import type { EntityManager } from 'typeorm';
import type { EventSource, EventState, Urgency } from '@gc/contracts';
import { toWgs84, type InputCrs } from '@gc/geo';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { GroupCommit } from '../../core/database/group-commit';
import type { PinnedSession } from '../../core/database/prepared-query';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import { maskPhone } from '../../core/security/pii-crypto';
import { AreaLookupService } from '../areas/area-lookup.service';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { LiveTailer } from '../live/live-tailer.service';
import { AttachmentsService } from './attachments.service';
import { actionsFor, pathInScope } from './event-access';
import { EventCatalogService } from './event-catalog.service';
import { EventIdempotencyService } from './event-idempotency.service';
import { EventQueryService } from './event-query.service';
import type { TimelineEntry } from './event-log.repository';
import { maskName, toDetail, toSummary, type EventDetail } from './event-view';
import { EventsRepository, type IntakeInsert, type IntakeOutcome, type IntakeSettings } from './events.repository';

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

const UNPLACED_OUTSIDE = 'outside the territory: waits for an operator to place it';
const UNPLACED_NO_LOCATION = 'no location: waits for an operator to place it';

function defaultSource(p: Principal): EventSource {
  if (p.roles.includes('grid_worker')) return 'patrol';
  if (p.kind === 'api_key') return 'system';
  return 'operator';
}

/** Whose numbering an `externalId` belongs to (unique per source): the API key, or the channel. */
export function externalSourceOf(p: Principal, input: { externalId?: string; source?: EventSource }): string | null {
  if (!input.externalId) return null;
  return p.kind === 'api_key' ? `key:${p.id}` : (input.source ?? defaultSource(p));
}

/** Two uses of one Idempotency-Key: the second must see the first's claim. */
function sameKey(a: IntakeInsert, b: IntakeInsert): boolean {
  return a.idempotency !== null && b.idempotency !== null && a.idempotency.principal === b.idempotency.principal && a.idempotency.key === b.idempotency.key;
}

/** One ticket number sent twice: the second must meet the first's row (and get its 409). */
function sameExternalId(a: IntakeInsert, b: IntakeInsert): boolean {
  return a.externalId !== null && a.externalId === b.externalId && a.externalSource === b.externalSource;
}

/** Same category close enough that the later one's duplicate probe must see the earlier one (with a margin). */
function mayDuplicate(a: IntakeInsert, b: IntakeInsert, metres: number): boolean {
  return a.category === b.category && a.lon !== null && a.lat !== null && b.lon !== null && b.lat !== null && distance([a.lon, a.lat], [b.lon, b.lat], { units: 'meters' }) <= metres * 1.1 + 1;
}

/**
 * Intake from every channel (operator, grid worker, hotline, Open311, other systems).
 * One statement per batch of concurrent intakes (group commit): idempotency claim, grid
 * attribution, the event, its first log entry, the audit row and the outbox row, per event.
 * No usable location: state `unplaced`.
 */
@Injectable()
export class EventIntakeService implements OnModuleDestroy {
  private readonly settings: IntakeSettings;
  /** the connection(s) the intake batches keep (one per slot) */
  private readonly session: PinnedSession;
  private readonly batches: GroupCommit<IntakeInsert, IntakeOutcome>;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: EventsRepository,
    private readonly catalog: EventCatalogService,
    private readonly areas: AreaLookupService,
    private readonly audit: AuditService,
    private readonly idempotency: EventIdempotencyService,
    private readonly query: EventQueryService,
    private readonly tailer: LiveTailer,
    private readonly attachmentFiles: AttachmentsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const dup = config.DUPLICATE_RADIUS_M > 0 ? { metres: config.DUPLICATE_RADIUS_M, hours: config.DUPLICATE_WINDOW_HOURS } : null;
    this.settings = { dup, notes: { outside: UNPLACED_OUTSIDE, noLocation: UNPLACED_NO_LOCATION } };
    this.session = tx.pinnedSession();
    this.batches = new GroupCommit((items) => this.repo.intake(this.session, items, this.settings), {
      slots: config.INTAKE_BATCH_SLOTS,
      maxBatch: config.INTAKE_BATCH_MAX,
      apart: (a, b) => sameKey(a, b) || sameExternalId(a, b) || (dup !== null && mayDuplicate(a, b, dup.metres)),
    });
  }

  onModuleDestroy(): void {
    this.session.close();
  }

  /**
   * Create one event in ONE statement (see EventsRepository.intake): attribution, jurisdiction,
   * Idempotency-Key claim, event, log entry, audit and outbox row. `idempotencyKey`: a retry
   * with the same body gets the event the first request created (as it is now), never a second one.
   */
  async create(p: Principal, input: EventInput, opts: { idempotencyKey?: string; requestId?: string; route?: string } = {}): Promise<EventDetail> {
    const category = await this.catalog.category(input.category);
    const urgency = input.urgency ?? 'normal';
    const located = input.lon !== undefined && input.lat !== undefined;
    const [lon, lat] = located ? toWgs84([input.lon!, input.lat!], input.crs ?? 'wgs84') : [null, null];
    const source = input.source ?? defaultSource(p);
    const request = { route: opts.route ?? 'POST /api/events', input };
    const idempotency = opts.idempotencyKey ? { principal: this.idempotency.principalOf(p), key: opts.idempotencyKey, hash: this.idempotency.hash(request) } : null;
    const attachments = input.attachments ?? [];
    if (attachments.length) await this.attachmentFiles.checkCitable(p, attachments); // a query only when one of ours is cited
    const out = await this.batches.submit({
      title: input.title,
      description: input.description ?? null,
      category: category.code,
      urgency,
      source,
      lon,
      lat,
      address: input.address ?? null,
      reporterName: maskName(input.reporter?.name),
      reporterPhone: maskPhone(input.reporter?.phone),
      // applies only if the point lands in a grid (an unplaced event has no clock yet)
      deadline: located ? this.catalog.deadline(category, urgency, 'accept', new Date()) : null,
      externalSource: externalSourceOf(p, input),
      externalId: input.externalId ?? null,
      actor: { kind: p.kind, id: p.id, name: p.name },
      attachments,
      scopePath: p.scopePath,
      idempotency,
      requestId: opts.requestId ?? null,
    });
    // A caller with a limited jurisdiction may not file a located event outside it (grid workers report in their own grids).
    if (!out.allowed) {
      // The grid there is not named: the caller may not see it.
      throw new AppException('FORBIDDEN', 'this location is outside your jurisdiction', { field: 'body.lon', jurisdiction: p.jurisdiction });
    }
    if (!out.event) return this.replay(p, idempotency!, out.prior);
    this.tailer.committedLocally();
    const event = out.event; // also carries logId, logAt, …: toDetail reads only event fields
    const first: TimelineEntry = {
      id: event.logId,
      at: event.logAt as unknown as string,
      actor: p.name,
      actorKind: p.kind,
      action: 'report',
      from: null,
      to: event.state,
      note: event.logNote,
      lon: event.lon,
      lat: event.lat,
      department: null,
      attachments,
      data: event.logData,
    };
    return toDetail(event, [first], [], actionsFor(p, event.state, event.departmentId));
  }

  /** The key was claimed by an earlier request: the same body gets that event, another body is a 409. */
  private async replay(p: Principal, key: { principal: string; key: string; hash: string }, seen: IntakeOutcome['prior']): Promise<EventDetail> {
    const prior = seen ?? (await this.idempotency.stored(this.tx.manager, key.principal, key.key));
    if (!prior || prior.hash !== key.hash) {
      throw new AppException('IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was already used with a different request', { header: 'idempotency-key' });
    }
    const ref = prior.response as { eventId?: number } | null;
    // rows written before single-statement intake kept the whole first answer
    if (ref && ref.eventId === undefined) return prior.response as EventDetail;
    return this.query.get(p, Number(ref!.eventId));
  }

  /** Insert a historical case with its original times (bulk import for analysis); no outbox row per record. */
  async createHistorical(tx: EntityManager, p: Principal, input: HistoricalInput): Promise<number> {
    await this.attachmentFiles.checkCitable(p, input.attachments);
    const category = await this.catalog.category(input.category);
    const urgency = input.urgency ?? 'normal';
    const located = input.lon !== undefined && input.lat !== undefined;
    const [lon, lat] = located ? toWgs84([input.lon!, input.lat!], input.crs ?? 'wgs84') : [null, null];
    // The grid that owned the place on that day; when the territory was not drawn yet, today's grid.
    const grid = lon !== null && lat !== null ? ((await this.areas.attribute(tx, lon, lat, input.reportedAt)) ?? (await this.areas.attribute(tx, lon, lat))) : null;
    if (located && !pathInScope(p.scopePath, grid?.path ?? null)) {
      throw new AppException('FORBIDDEN', 'this location is outside your jurisdiction', { field: 'body.lon', jurisdiction: p.jurisdiction });
    }
    const state: EventState = input.state ?? (input.closedAt ? 'closed' : grid ? 'reported' : 'unplaced');
    const deadline = grid && state === 'reported' ? this.catalog.deadline(category, urgency, 'accept', input.reportedAt) : null;
    const row = await this.repo.insertHistorical(
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
        areaPath: grid?.path ?? p.scopePath, // not placed: the importer's jurisdiction (as at intake)
        address: input.address ?? null,
        reporterName: maskName(input.reporter?.name),
        reporterPhone: maskPhone(input.reporter?.phone),
        stage: deadline?.stage ?? null,
        stageLimitMinutes: deadline?.limitMinutes ?? null,
        warnAt: deadline?.warnAt ?? null,
        dueAt: deadline?.dueAt ?? null,
        externalSource: externalSourceOf(p, input),
        externalId: input.externalId ?? null,
        reportedAt: input.reportedAt,
        closedAt: input.closedAt ?? null,
        handledOnTime: null,
        createdBy: p.name,
      },
      { actorKind: p.kind, actorId: p.id, actorName: p.name, note: grid ? null : located ? UNPLACED_OUTSIDE : UNPLACED_NO_LOCATION, attachments: input.attachments ?? [] },
    );
    await this.audit.write(tx, p, 'import', 'event', row.id, null, toSummary(row), { areaPath: row.areaPath });
    return row.id;
  }
}
