import { Injectable } from '@nestjs/common';
import type { Point } from 'geojson';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { EventSource, EventState, Urgency } from '@gc/contracts';
import { queryPrepared, type PinnedSession } from '../../core/database/prepared-query';
import { deepestAreaAt } from '../areas/area-lookup.repository';
import { auditInsertFrom } from '../audit/audit.repository';
import { caseVisibleSql, type Viewer } from '../auth/visibility';
import { changeInsertFrom } from '../live/change-feed.repository';
import { timelineJsonFor, type TimelineEntry } from './event-log.repository';
import { summonsFromJson, summonsJsonFor, type SummonsRow } from './summons.repository';
import { EventEntity } from './entities/event.entity';
import { OPEN_STATES } from './event-workflow.rules';
import { bigintParam, sqlRow, sqlRows } from '../../core/database/sql';

export interface EventRow {
  id: number;
  title: string;
  description: string | null;
  category: string;
  categoryName: string;
  categoryNameEn: string;
  urgency: Urgency;
  source: EventSource;
  state: EventState;
  lon: number | null;
  lat: number | null;
  gridId: number | null;
  gridCode: string | null;
  gridName: string | null;
  areaPath: string | null;
  address: string | null;
  reporterName: string | null;
  reporterPhone: string | null;
  departmentId: number | null;
  department: string | null;
  assigneeUserId: number | null;
  assigneeName: string | null;
  stage: string | null;
  stageStartedAt: Date | null;
  stageLimitMinutes: number | null;
  warnAt: Date | null;
  dueAt: Date | null;
  priorState: EventState | null;
  escalationLevel: number;
  escalatedAt: Date | null;
  duplicateOf: number | null;
  suspectedDuplicateOf: number | null;
  extensionMinutes: number | null;
  reworkCount: number;
  handledOnTime: boolean | null;
  satisfaction: number | null;
  externalSource: string | null;
  externalId: string | null;
  reportedAt: Date;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

/** A historical case as the bulk import writes it. */
export interface NewEvent {
  title: string;
  description: string | null;
  category: string;
  urgency: Urgency;
  source: EventSource;
  state: EventState;
  lon: number | null;
  lat: number | null;
  gridId: number | null;
  gridCode: string | null;
  areaPath: string | null;
  address: string | null;
  reporterName: string | null;
  reporterPhone: string | null;
  stage: string | null;
  stageLimitMinutes: number | null;
  warnAt: Date | null;
  dueAt: Date | null;
  externalSource: string | null;
  externalId: string | null;
  reportedAt: Date;
  closedAt: Date | null;
  handledOnTime: boolean | null;
  createdBy: string;
}

/** Fields a transition may change (undefined = unchanged). */
export interface EventPatch {
  state: EventState;
  lon?: number;
  lat?: number;
  gridId?: number;
  gridCode?: string;
  areaPath?: string;
  departmentId?: number | null;
  assigneeUserId?: number | null;
  assigneeName?: string | null;
  stage?: string | null;
  stageStartedAt?: Date | null;
  stageLimitMinutes?: number | null;
  warnAt?: Date | null;
  dueAt?: Date | null;
  priorState?: EventState | null;
  escalationLevel?: number;
  escalatedAt?: Date;
  duplicateOf?: number;
  extensionMinutes?: number | null;
  reworkCount?: number;
  handledOnTime?: boolean;
  satisfaction?: number;
  closedAt?: Date;
}

export type { Viewer } from '../auth/visibility';

export interface EventFilter {
  states?: EventState[];
  area?: string;
  categories?: string[];
  department?: string;
  overdue?: boolean;
  since?: Date;
  until?: Date;
  ids?: number[];
  limit: number;
  beforeId?: number;
}

const COLUMNS = `e.id::int, e.title, e.description, e.category_code AS category, c.name AS "categoryName", c.name_en AS "categoryNameEn",
  e.urgency, e.source, e.state, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat,
  e.grid_id::int AS "gridId", e.grid_code AS "gridCode", g.name AS "gridName", e.area_path::text AS "areaPath",
  e.address, e.reporter_name AS "reporterName", e.reporter_phone_masked AS "reporterPhone",
  e.department_id::int AS "departmentId", d.code AS department, e.assignee_user_id::int AS "assigneeUserId", e.assignee_name AS "assigneeName",
  e.stage, e.stage_started_at AS "stageStartedAt", e.stage_limit_minutes AS "stageLimitMinutes", e.warn_at AS "warnAt", e.due_at AS "dueAt",
  e.prior_state AS "priorState", e.escalation_level AS "escalationLevel", e.escalated_at AS "escalatedAt",
  e.duplicate_of::int AS "duplicateOf", e.suspected_duplicate_of::int AS "suspectedDuplicateOf", e.extension_minutes AS "extensionMinutes",
  e.rework_count AS "reworkCount", e.handled_on_time AS "handledOnTime", e.satisfaction,
  e.external_source AS "externalSource", e.external_id AS "externalId",
  e.reported_at AS "reportedAt", e.created_at AS "createdAt", e.updated_at AS "updatedAt", e.closed_at AS "closedAt"`;
const FROM = `event e JOIN event_category c ON c.code = e.category_code
  LEFT JOIN area g ON g.id = e.grid_id LEFT JOIN department d ON d.id = e.department_id`;
/**
 * The one visibility rule for cases (auth/visibility.ts; $1 scope path, $2 department id of
 * department staff, NULL: no restriction; alias `e` = event): every read of cases (one, lists,
 * nearby candidates, the summons board, on-time counts) filters with it.
 */
export const EVENT_VISIBLE = caseVisibleSql('e', '$1', '$2');
const VISIBLE = EVENT_VISIBLE;

/** One event by id ($3) as a viewer sees it (EventsRepository.get). */
const GET_SQL = `SELECT ${COLUMNS} FROM ${FROM} WHERE e.id = $3 AND ${VISIBLE}`;

/**
 * A case as GET /api/events/{id} shows it, in ONE statement (named, prepared): the event as the
 * viewer may see it ($1 scope, $2 department, $3 id), its timeline and its summonses, each as one
 * json value (three round trips and a ~50-column row before).
 */
const DETAIL_SQL = `SELECT row_to_json(x)::text AS event, ${timelineJsonFor('x.id')}::text AS timeline, ${summonsJsonFor('x.id')}::text AS summons
  FROM (${GET_SQL}) x`;

/** What live intake writes; the deadline applies only when the point lands in a grid. */
export interface IntakeInsert {
  title: string;
  description: string | null;
  category: string;
  urgency: Urgency;
  source: EventSource;
  lon: number | null;
  lat: number | null;
  address: string | null;
  reporterName: string | null;
  reporterPhone: string | null;
  deadline: { stage: string; limitMinutes: number; warnAt: Date; dueAt: Date } | null;
  externalSource: string | null;
  externalId: string | null;
  actor: { kind: string; id: number | null; name: string };
  attachments: unknown[];
  /** the caller's jurisdiction (ltree), null: everywhere */
  scopePath: string | null;
  idempotency: { principal: string; key: string; hash: string } | null;
  requestId: string | null;
}

/** What every item of an intake batch shares. */
export interface IntakeSettings {
  /** the duplicate probe: same category within `metres` and `hours`; null: off */
  dup: { metres: number; hours: number } | null;
  /** log notes for a point outside the territory and for no point */
  notes: { outside: string; noLocation: string };
}

export interface IntakeOutcome {
  /** false: the point lies outside the caller's jurisdiction; nothing was written */
  allowed: boolean;
  /** the grid at the point (also when not allowed), null outside the territory or without a point */
  locatedGrid: string | null;
  /** the Idempotency-Key was claimed by this request (false: an earlier request holds it, nothing was written) */
  claimed: boolean;
  /** not claimed: the earlier request's hash and stored answer, when the statement saw them (null: read them) */
  prior: { hash: string; response: unknown } | null;
  event: (EventRow & { logId: number; logAt: Date; logNote: string | null; logData: Record<string, unknown> }) | null;
}

const ev = (col: string) => `ev.${col}`;

/** A timestamp as JavaScript's toISOString gives it (UTC, milliseconds, "Z"). */
const isoMs = (t: string) => `to_char(date_trunc('milliseconds', ${t}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The wall map's view of the event row `e` (EventSummary, as `toSummary` in event-view.ts builds
 * it) as a SQL expression, for the outbox and audit rows that intake writes in its one statement.
 * `names`: SQL expressions for the category's and grid's names and the department's code.
 * events.int-spec.ts compares it with toSummary for events in several states. It is written into
 * the statement (not a database function): a PL/pgSQL function cost ~10% of the intake
 * statement's CPU (a whole-row argument built per call, its own expression setup).
 */
export function eventSummarySql(e: string, names: { category: string; grid: string; department: string }): string {
  const warning = `CASE WHEN ${e}.state <> ALL ('{${OPEN_STATES.join(',')}}'::text[]) OR ${e}.due_at IS NULL THEN 'none'
      WHEN statement_timestamp() > ${e}.due_at THEN 'red'
      WHEN ${e}.warn_at IS NOT NULL AND statement_timestamp() >= ${e}.warn_at THEN 'yellow' ELSE 'none' END`;
  return `jsonb_build_object(
    'id', ${e}.id, 'category', ${e}.category_code, 'categoryName', ${names.category}, 'urgency', ${e}.urgency, 'state', ${e}.state,
    'source', ${e}.source, 'title', ${e}.title, 'lon', ST_X(${e}.geom), 'lat', ST_Y(${e}.geom),
    'grid', CASE WHEN ${e}.grid_code IS NULL THEN NULL ELSE jsonb_build_object('code', ${e}.grid_code, 'name', coalesce(${names.grid}, ${e}.grid_code)) END,
    'department', ${names.department}, 'createdAt', ${isoMs(`${e}.created_at`)}, 'dueAt', ${isoMs(`${e}.due_at`)},
    'overdue', (${warning}) = 'red', 'warning', ${warning}, 'escalationLevel', ${e}.escalation_level)`;
}

/**
 * The live intake statement (EventsRepository.intake) for a BATCH of items, `$1` a JSON array
 * (see `intakeItem`): a single statement is atomic on its own, so a batch is one round trip and
 * one commit (group commit: see `GroupCommit`), where BEGIN … COMMIT per event took eight round
 * trips. Each item is checked on its own, in the order of the checks: attribution,
 * jurisdiction, the Idempotency-Key claim (a key held by an earlier request stops that item's
 * writes), the duplicate probe, then the writes. One row per item comes back, in item order.
 * $2 duplicate probe on, $3 its radius in metres, $4 its window in hours, $5 the open states,
 * $6/$7 the log notes for a point outside the territory / no point.
 */
const INTAKE_SQL = `WITH inp AS (
    SELECT t.*, CASE WHEN t.lon IS NULL OR t.lat IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) END AS g
      FROM jsonb_to_recordset($1::jsonb) AS t(i int, title text, description text, category text, urgency text, source text,
        lon float8, lat float8, address text, reporter_name text, reporter_phone text, stage text, limit_minutes int,
        warn_at timestamptz, due_at timestamptz, external_source text, external_id text, actor_kind text, actor_id bigint,
        actor_name text, attachments jsonb, scope_path ltree, idem_principal text, idem_key text, idem_hash text, request_id text)),
  -- new_id: the event id an allowed item will have (this CTE is evaluated once, so once per item);
  -- the sequence by a constant (a regclass resolved when the statement is prepared).
  ok AS (
    SELECT l.*, CASE WHEN l.allowed THEN nextval('event_id_seq'::regclass) END AS new_id FROM (
      -- area_path: the grid's; a case with no grid yet (no location, or outside the territory)
      -- belongs to the jurisdiction of whoever reported it until it is placed (a city's hotline
      -- report: the city's operators see it to place it), so the one visibility rule shows it.
      SELECT inp.*, loc.id AS grid_id, loc.code AS grid_code, coalesce(loc.path, inp.scope_path) AS area_path,
             (inp.g IS NULL OR inp.scope_path IS NULL OR coalesce(loc.path <@ inp.scope_path, false)) AS allowed
        FROM inp LEFT JOIN LATERAL (SELECT a.id, a.code, a.path FROM ${deepestAreaAt('inp.g', 'now()')}) loc ON true) l),
  claim AS (
    INSERT INTO idempotency_key (principal, key, request_hash, status, response)
    SELECT ok.idem_principal, ok.idem_key, ok.idem_hash, 201, jsonb_build_object('eventId', ok.new_id)
      FROM ok WHERE ok.idem_key IS NOT NULL AND ok.new_id IS NOT NULL
    ON CONFLICT DO NOTHING RETURNING principal, key),
  -- The GiST box first (OFFSET 0 keeps the planner from starting at the category index and testing
  -- every event of the day), then category, state, time and the exact distance on the few left.
  dup AS (
    SELECT ok.i, d.id FROM ok CROSS JOIN LATERAL (
      SELECT n.id FROM (SELECT x.id, x.category_code, x.state, x.created_at, x.geom FROM event x
                         WHERE x.geom && ST_Expand(ok.g, $3 / 90000.0) OFFSET 0) n
       WHERE n.category_code = ok.category AND n.state = ANY($5) AND n.created_at > now() - make_interval(hours => $4::int)
         AND ST_DWithin(n.geom::geography, ok.g::geography, $3)
       ORDER BY n.geom <-> ok.g LIMIT 1) d
     WHERE $2::boolean AND ok.allowed AND ok.grid_id IS NOT NULL),
  ev AS (
    INSERT INTO event (id, title, description, category_code, urgency, source, state, geom, grid_id, grid_code, area_path, address,
       reporter_name, reporter_phone_masked, stage, stage_started_at, stage_limit_minutes, warn_at, due_at, suspected_duplicate_of,
       external_source, external_id, created_by)
    SELECT ok.new_id, ok.title, ok.description, ok.category, ok.urgency, ok.source, CASE WHEN ok.grid_id IS NULL THEN 'unplaced' ELSE 'reported' END, ok.g,
           ok.grid_id, ok.grid_code, ok.area_path, ok.address, ok.reporter_name, ok.reporter_phone,
           CASE WHEN ok.grid_id IS NULL THEN NULL ELSE ok.stage END, CASE WHEN ok.grid_id IS NULL OR ok.stage IS NULL THEN NULL ELSE now() END,
           CASE WHEN ok.grid_id IS NULL THEN NULL ELSE ok.limit_minutes END, CASE WHEN ok.grid_id IS NULL THEN NULL ELSE ok.warn_at END,
           CASE WHEN ok.grid_id IS NULL THEN NULL ELSE ok.due_at END, dup.id, ok.external_source, ok.external_id, ok.actor_name
      FROM ok LEFT JOIN dup ON dup.i = ok.i
     WHERE ok.new_id IS NOT NULL AND (ok.idem_key IS NULL OR EXISTS (SELECT 1 FROM claim WHERE claim.principal = ok.idem_principal AND claim.key = ok.idem_key))
    RETURNING *),
  tr AS (
    INSERT INTO event_transition (event_id, actor_kind, actor_id, actor_name, action, from_state, to_state, note, geom, attachments, data, at)
    SELECT ev.id, ok.actor_kind, ok.actor_id, ok.actor_name, 'report', NULL, ev.state,
           CASE WHEN ev.grid_id IS NOT NULL THEN NULL WHEN ev.geom IS NULL THEN $7 ELSE $6 END, ev.geom, coalesce(ok.attachments, '[]'::jsonb),
           jsonb_strip_nulls(jsonb_build_object('suspectedDuplicateOf', ev.suspected_duplicate_of,
             'reason', CASE WHEN ev.grid_id IS NOT NULL THEN NULL WHEN ev.geom IS NULL THEN 'no_location' ELSE 'outside_territory' END)),
           ev.reported_at
      FROM ev JOIN ok ON ok.new_id = ev.id
    RETURNING id, event_id, at, note, data),
  -- The names by primary key per new event (OFFSET 0: not a hash of the whole table per statement).
  sm AS (
    SELECT ev.*, c.name AS in_category_name, c.name_en AS in_category_name_en, g.name AS in_grid_name,
           ${eventSummarySql('ev', { category: 'c.name', grid: 'g.name', department: 'NULL::text' })} AS summary,
           ok.i AS in_i, ok.actor_kind AS in_actor_kind, ok.actor_id AS in_actor_id, ok.actor_name AS in_actor_name, ok.request_id AS in_request_id
      FROM ev JOIN ok ON ok.new_id = ev.id
      CROSS JOIN LATERAL (SELECT c.name, c.name_en FROM event_category c WHERE c.code = ev.category_code OFFSET 0) c
      LEFT JOIN LATERAL (SELECT g.name FROM area g WHERE g.id = ev.grid_id OFFSET 0) g ON true),
  au AS (${auditInsertFrom('sm ev', { actorKind: ev('in_actor_kind'), actorId: ev('in_actor_id'), actorName: ev('in_actor_name'), action: `'create'`, entity: `'event'`, entityId: `${ev('id')}::text`, after: ev('summary'), requestId: ev('in_request_id'), areaPath: ev('area_path') })}),
  ch AS (${changeInsertFrom('sm ev', { type: `'event.created'`, entityId: `${ev('id')}::text`, areaPath: ev('area_path'), payload: ev('summary') })})
  -- The new events as COLUMNS reads them, their names from sm (a new event has no department yet),
  -- each as ONE json column: pg builds a result object per row from its column list, and for ~50
  -- columns that cost the API more CPU (~60 µs a batch, dictionary-mode objects) than JSON.parse.
  -- A key an earlier request holds: its hash and answer come back too (a retry needs no second
  -- read), when this statement's snapshot sees that request (else the caller reads it).
  SELECT ok.i, ok.allowed, ok.grid_code AS "locatedGrid", cl.claimed, pk.request_hash AS "priorHash", pk.response AS "priorResponse",
         CASE WHEN x.in_i IS NULL THEN NULL ELSE row_to_json(x)::text END AS event
    FROM ok CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM claim WHERE claim.principal = ok.idem_principal AND claim.key = ok.idem_key) AS claimed) cl
    LEFT JOIN LATERAL (SELECT k.request_hash, k.response FROM idempotency_key k
                        WHERE ok.idem_key IS NOT NULL AND ok.allowed AND NOT cl.claimed AND k.principal = ok.idem_principal AND k.key = ok.idem_key
                        OFFSET 0) pk ON true -- OFFSET 0: by primary key per item, never a hash of the whole table
    LEFT JOIN (
      SELECT e.in_i, ${COLUMNS}, tr.id::int AS "logId", tr.at AS "logAt", tr.note AS "logNote", tr.data AS "logData"
        FROM sm e JOIN tr ON tr.event_id = e.id
       CROSS JOIN LATERAL (SELECT e.in_category_name AS name, e.in_category_name_en AS name_en) c
       CROSS JOIN LATERAL (SELECT e.in_grid_name AS name) g
       CROSS JOIN LATERAL (SELECT NULL::text AS code) d) x ON x.in_i = ok.i
   ORDER BY ok.i`;

/** EventRow's time columns (and the log entry's): JSON has them as ISO text. */
const TIME_FIELDS = ['stageStartedAt', 'warnAt', 'dueAt', 'escalatedAt', 'reportedAt', 'createdAt', 'updatedAt', 'closedAt', 'logAt'] as const;

/** row_to_json of COLUMNS (and, from intake, the log entry) as `get` returns the row: times as Date. */
function eventFromJson<T = EventRow>(json: string): T {
  const e = JSON.parse(json) as Record<string, unknown>;
  for (const k of TIME_FIELDS) if (typeof e[k] === 'string') e[k] = new Date(e[k] as string);
  return e as unknown as T;
}

/** One item of INTAKE_SQL's `$1`, its keys the statement's record columns. */
function intakeItem(x: IntakeInsert, i: number) {
  return {
    i,
    title: x.title,
    description: x.description,
    category: x.category,
    urgency: x.urgency,
    source: x.source,
    lon: x.lon,
    lat: x.lat,
    address: x.address,
    reporter_name: x.reporterName,
    reporter_phone: x.reporterPhone,
    stage: x.deadline?.stage ?? null,
    limit_minutes: x.deadline?.limitMinutes ?? null,
    warn_at: x.deadline?.warnAt ?? null,
    due_at: x.deadline?.dueAt ?? null,
    external_source: x.externalSource,
    external_id: x.externalId,
    actor_kind: x.actor.kind,
    actor_id: x.actor.id,
    actor_name: x.actor.name,
    attachments: x.attachments,
    scope_path: x.scopePath,
    idem_principal: x.idempotency?.principal ?? null,
    idem_key: x.idempotency?.key ?? null,
    idem_hash: x.idempotency?.hash ?? null,
    request_id: x.requestId,
  };
}

@Injectable()
export class EventsRepository {
  /**
   * A historical case (bulk import for analysis) with its original times and outcome, and its
   * first log entry, in the caller's transaction, in one round trip. Returns the row as `get` would.
   */
  async insertHistorical(
    tx: EntityManager,
    e: NewEvent,
    log: { actorKind: string; actorId: number | null; actorName: string; note: string | null; attachments: unknown[] },
  ): Promise<EventRow> {
    const row = await sqlRow<EventRow>(
      tx,
      `WITH ev AS (
         INSERT INTO event (title, description, category_code, urgency, source, state, geom, grid_id, grid_code, area_path, address,
            reporter_name, reporter_phone_masked, stage, stage_started_at, stage_limit_minutes, warn_at, due_at,
            external_source, external_id, reported_at, created_at, closed_at, handled_on_time, created_by)
         SELECT $1, $2, $3, $4, $5, $6, CASE WHEN $7::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($7, $8), 4326) END,
                $9, $10, $11::ltree, $12, $13, $14, $15, CASE WHEN $15::text IS NULL THEN NULL ELSE $22::timestamptz END,
                $16, $17, $18, $19, $20, $22, $22, $23, $24, $21
         RETURNING *),
       tr AS (
         INSERT INTO event_transition (event_id, actor_kind, actor_id, actor_name, action, from_state, to_state, note, geom, attachments, data, at)
         SELECT ev.id, $25, $26, $27, 'import', NULL, ev.state, $28, ev.geom, $29::jsonb,
                jsonb_strip_nulls(jsonb_build_object('reason', CASE WHEN ev.grid_id IS NOT NULL THEN NULL WHEN ev.geom IS NULL THEN 'no_location' ELSE 'outside_territory' END)),
                ev.reported_at
           FROM ev)
       SELECT ${COLUMNS} FROM ev e JOIN event_category c ON c.code = e.category_code
         LEFT JOIN area g ON g.id = e.grid_id LEFT JOIN department d ON d.id = e.department_id`,
      [
        e.title, e.description, e.category, e.urgency, e.source, e.state, e.lon, e.lat, e.gridId, e.gridCode, e.areaPath, e.address,
        e.reporterName, e.reporterPhone, e.stage, e.stageLimitMinutes, e.warnAt, e.dueAt,
        e.externalSource, e.externalId, e.createdBy, e.reportedAt, e.closedAt, e.handledOnTime,
        log.actorKind, log.actorId, log.actorName, log.note, JSON.stringify(log.attachments),
      ],
    );
    return row!; // INSERT … RETURNING answers its row
  }

  /**
   * Live intake of a batch of items in ONE statement, run outside any explicit transaction, as a
   * named prepared statement (INTAKE_SQL): per item attribution, jurisdiction check,
   * Idempotency-Key claim, duplicate probe, the event, its first log entry, the audit row and the
   * outbox row (`event.created`, payload from `eventSummarySql`). An item its caller may not
   * file at that place, or whose key was already claimed, writes nothing and its outcome says why.
   * The statement fails as a whole (nothing written) if any item breaks a constraint.
   */
  async intake(db: EntityManager | PinnedSession, items: IntakeInsert[], s: IntakeSettings): Promise<IntakeOutcome[]> {
    const rows = await queryPrepared<Record<string, unknown>>(db, 'event_intake', INTAKE_SQL, [
      JSON.stringify(items.map(intakeItem)),
      s.dup !== null,
      s.dup?.metres ?? 0,
      Math.ceil(s.dup?.hours ?? 0),
      OPEN_STATES,
      s.notes.outside,
      s.notes.noLocation,
    ]);
    return rows.map((row) => {
      const r = row as { allowed: boolean; locatedGrid: string | null; claimed: boolean; priorHash: string | null; priorResponse: unknown; event: string | null };
      return {
        allowed: r.allowed,
        locatedGrid: r.locatedGrid,
        claimed: r.claimed,
        prior: r.priorHash === null ? null : { hash: r.priorHash, response: r.priorResponse },
        event: r.event === null ? null : eventFromJson<NonNullable<IntakeOutcome['event']>>(r.event),
      };
    });
  }

  /** The event an external system filed under its own id (the unique external_source, external_id pair). */
  async idByExternal(db: EntityManager, source: string, externalId: string): Promise<number | null> {
    const row = await sqlRow<{ id: number }>(db, `SELECT id::int FROM event WHERE external_source = $1 AND external_id = $2`, [source, externalId]);
    return row?.id ?? null;
  }

  /** One event as the viewer may see it; `lock` (in a transaction) takes the row lock for a transition. */
  async get(db: EntityManager, id: number, v: Viewer, lock = false): Promise<EventRow | undefined> {
    const rows = await queryPrepared<EventRow>(db, lock ? 'event_get_lock' : 'event_get', lock ? GET_SQL + ' FOR UPDATE OF e' : GET_SQL, [v.scopePath, v.departmentId, id]);
    return rows[0];
  }

  /** The case as the viewer may see it with its timeline and summonses, in one statement (DETAIL_SQL). */
  async detail(db: EntityManager, id: number, v: Viewer): Promise<{ row: EventRow; timeline: TimelineEntry[]; summons: SummonsRow[] } | undefined> {
    const [r] = await queryPrepared<{ event: string; timeline: string; summons: string }>(db, 'event_detail', DETAIL_SQL, [v.scopePath, v.departmentId, id]);
    if (!r) return undefined;
    const timeline = JSON.parse(r.timeline) as TimelineEntry[];
    return { row: eventFromJson(r.event), timeline, summons: summonsFromJson(r.summons) };
  }

  async list(db: EntityManager, v: Viewer, f: EventFilter): Promise<EventRow[]> {
    return sqlRows<EventRow>(db,
      `SELECT ${COLUMNS} FROM ${FROM}
        WHERE ${VISIBLE}
          AND ($3::text[] IS NULL OR e.state = ANY($3))
          AND ($4::text IS NULL OR e.area_path ~ ('*.' || $4 || '.*')::lquery)
          AND ($5::text[] IS NULL OR e.category_code = ANY($5) OR c.parent_code = ANY($5))
          AND ($6::text IS NULL OR d.code = $6)
          AND (NOT $7::boolean OR (e.due_at < now() AND e.state = ANY($8)))
          AND ($9::timestamptz IS NULL OR e.created_at >= $9)
          AND ($10::timestamptz IS NULL OR e.created_at < $10)
          AND ($11::bigint[] IS NULL OR e.id = ANY($11))
          AND ($13::bigint IS NULL OR e.id < $13)
        ORDER BY e.id DESC LIMIT $12`,
      [
        v.scopePath, v.departmentId, f.states ?? null, f.area ?? null, f.categories ?? null, f.department ?? null, f.overdue ?? false,
        OPEN_STATES, f.since ?? null, f.until ?? null, f.ids ?? null, f.limit, f.beforeId ?? null,
      ],
    );
  }

  /**
   * The fields a transition changed (undefined: left as it is), as one typed UPDATE of the event
   * entity: TypeORM writes `column = $n` for each defined field, the point as GeoJSON in SRID 4326.
   */
  async update(tx: EntityManager, id: number, p: EventPatch): Promise<void> {
    const point: Point | undefined = p.lon !== undefined && p.lat !== undefined ? { type: 'Point', coordinates: [p.lon, p.lat] } : undefined;
    const set: QueryDeepPartialEntity<EventEntity> = {
      state: p.state,
      updated_at: () => 'now()',
      geom: point,
      grid_id: bigintParam(p.gridId),
      grid_code: p.gridCode,
      area_path: p.areaPath,
      department_id: bigintParam(p.departmentId),
      assignee_user_id: bigintParam(p.assigneeUserId),
      assignee_name: p.assigneeName,
      stage: p.stage,
      stage_started_at: p.stageStartedAt,
      stage_limit_minutes: p.stageLimitMinutes,
      warn_at: p.warnAt,
      due_at: p.dueAt,
      prior_state: p.priorState,
      escalation_level: p.escalationLevel,
      escalated_at: p.escalatedAt,
      duplicate_of: bigintParam(p.duplicateOf),
      extension_minutes: p.extensionMinutes,
      rework_count: p.reworkCount,
      handled_on_time: p.handledOnTime,
      satisfaction: p.satisfaction,
      closed_at: p.closedAt,
    };
    await tx.createQueryBuilder().update(EventEntity).set(set).where('id = :id', { id }).execute();
  }

  /** Open cases past their deadline, oldest first, locked for the escalation sweep (skip ones being transitioned). */
  /** `seen`: ids an earlier chunk of the same sweep already looked at (the sweep goes in small transactions). */
  async overdueForUpdate(tx: EntityManager, limit: number, maxLevel: number, seen: number[] = []): Promise<EventRow[]> {
    return sqlRows<EventRow>(tx,
      `SELECT ${COLUMNS} FROM ${FROM}
        WHERE e.due_at < now() AND e.state = ANY($1) AND e.escalation_level < $2 AND NOT (e.id = ANY($4::bigint[]))
        ORDER BY e.due_at LIMIT $3 FOR UPDATE OF e SKIP LOCKED`,
      [OPEN_STATES, maxLevel, limit, seen],
    );
  }

  /** Counts behind the on-time rate, in the viewer's scope: finished on time, finished late, still open and overdue. */
  /**
   * Open cases within `radiusM` metres of a point (duplicate candidates for a report being taken),
   * nearest first; the same category first when one is given. GiST box on the geometry, then the
   * exact geography distance.
   */
  async nearby(db: EntityManager, v: Viewer, q: { lon: number; lat: number; radiusM: number; category?: string; limit: number }): Promise<(EventRow & { distanceM: number })[]> {
    return sqlRows<(EventRow & { distanceM: number })>(db,
      `SELECT ${COLUMNS}, round(ST_Distance(e.geom::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography))::int AS "distanceM"
         FROM ${FROM}
        WHERE ${EVENT_VISIBLE} AND e.state = ANY($6)
          AND e.geom && ST_Expand(ST_SetSRID(ST_MakePoint($3, $4), 4326), $5 / 111320.0 / greatest(cos(radians($4)), 0.01))
          AND ST_DWithin(e.geom::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography, $5)
        ORDER BY (e.category_code = $7) DESC NULLS LAST, ST_Distance(e.geom::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography), e.id DESC
        LIMIT $8`,
      [v.scopePath, v.departmentId, q.lon, q.lat, q.radiusM, OPEN_STATES, q.category ?? null, q.limit],
    );
  }

  async onTimeCounts(db: EntityManager, v: Viewer, since: Date | null): Promise<{ onTime: number; late: number; openOverdue: number }> {
    const row = await sqlRow<{ onTime: number; late: number; openOverdue: number }>(
      db,
      `SELECT count(*) FILTER (WHERE e.handled_on_time)::int AS "onTime",
              count(*) FILTER (WHERE e.handled_on_time = false)::int AS late,
              count(*) FILTER (WHERE e.handled_on_time IS NULL AND e.state = ANY($3) AND e.due_at < now())::int AS "openOverdue"
         FROM event e
        WHERE ${VISIBLE} AND ($4::timestamptz IS NULL OR e.created_at >= $4)`,
      [v.scopePath, v.departmentId, OPEN_STATES, since],
    );
    return row!; // an aggregate answers one row
  }
}
