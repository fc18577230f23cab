import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryPrepared } from '../../core/database/prepared-query';
import { sqlChanged, sqlRow, sqlRun } from '../../core/database/sql';
import type { IdempotencyKeyEntity } from './entities/idempotency-key.entity';

/** The response kept under an Idempotency-Key (status and body are stored in the transaction that claimed it). */
type StoredResponse = { hash: IdempotencyKeyEntity['request_hash']; status: number; response: unknown };

export interface NewTransition {
  eventId: number;
  actorKind: string;
  actorId: number | null;
  actorName: string;
  action: string;
  fromState: string | null;
  toState: string;
  note: string | null;
  lon: number | null;
  lat: number | null;
  department: string | null;
  attachments: unknown[];
  data: Record<string, unknown>;
  at?: Date | null;
}

export interface TimelineEntry {
  id: number;
  at: string;
  actor: string;
  /** the user's display name (users only; the API key's name is `actor`), for the timeline on screen */
  actorName?: string | null;
  actorKind: string;
  action: string;
  from: string | null;
  to: string;
  note: string | null;
  lon: number | null;
  lat: number | null;
  department: string | null;
  /** the department's name, for the timeline on screen */
  departmentName?: string | null;
  attachments: unknown[];
  data: Record<string, unknown>;
}

/** A log entry as TimelineEntry reads it, from `event_transition` (no alias). */
const TIMELINE_COLUMNS = `id::int, at, actor_name AS actor, actor_kind AS "actorKind", action, from_state AS "from", to_state AS "to", note,
  ST_X(geom) AS lon, ST_Y(geom) AS lat, department_code AS department, attachments, data,
  (SELECT u.display_name FROM app_user u WHERE u.id = event_transition.actor_id AND event_transition.actor_kind = 'user') AS "actorName",
  (SELECT d.name FROM department d WHERE d.code = event_transition.department_code) AS "departmentName"`;

/** An event's timeline as `timeline` reads it, as ONE json value (`at` as ISO text); `eventId`: a SQL expression. */
export function timelineJsonFor(eventId: string): string {
  return `(SELECT coalesce(json_agg(t ORDER BY t.id), '[]'::json) FROM (SELECT ${TIMELINE_COLUMNS} FROM event_transition WHERE event_id = ${eventId}) t)`;
}

/** The append-only transition log and the idempotency store. */
@Injectable()
export class EventLogRepository {
  async append(tx: EntityManager, t: NewTransition): Promise<void> {
    await sqlRun(
      tx,
      `INSERT INTO event_transition (event_id, actor_kind, actor_id, actor_name, action, from_state, to_state, note, geom, department_code, attachments, data, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $9::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($9, $10), 4326) END,
               $11, $12::jsonb, $13::jsonb, coalesce($14::timestamptz, now()))`,
      [t.eventId, t.actorKind, t.actorId, t.actorName, t.action, t.fromState, t.toState, t.note, t.lon, t.lat, t.department, JSON.stringify(t.attachments), JSON.stringify(t.data), t.at ?? null],
    );
  }

  async timeline(db: EntityManager, eventId: number): Promise<TimelineEntry[]> {
    return queryPrepared<TimelineEntry>(db, 'event_timeline', `SELECT ${TIMELINE_COLUMNS} FROM event_transition WHERE event_id = $1 ORDER BY id`, [eventId]);
  }

  /**
   * Claim an idempotency key inside the writing transaction. A concurrent request with
   * the same key waits on the unique index until the first commits, then sees its row.
   * Returns the stored row when the key was used before, null when this request owns it.
   */
  async claimKey(tx: EntityManager, principal: string, key: string, hash: string): Promise<StoredResponse | null> {
    const inserted = await sqlChanged(tx, `INSERT INTO idempotency_key (principal, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [principal, key, hash]);
    if (inserted) return null;
    const row = await sqlRow<StoredResponse>(tx, `SELECT request_hash AS hash, status, response FROM idempotency_key WHERE principal = $1 AND key = $2`, [principal, key]);
    return row!; // the conflicting row, visible once its transaction committed
  }

  async findKey(db: EntityManager, principal: string, key: string): Promise<StoredResponse | undefined> {
    const [row] = await queryPrepared<StoredResponse>(db, 'idempotency_find', `SELECT request_hash AS hash, status, response FROM idempotency_key WHERE principal = $1 AND key = $2`, [principal, key]);
    return row;
  }

  /**
   * Retention: deletes up to `limit` keys older than `days` (the oldest first by the BRIN order of
   * created_at); returns how many went. The caller repeats until fewer than `limit` go, one short
   * transaction per chunk.
   */
  async purgeKeys(db: EntityManager, days: number, limit: number): Promise<number> {
    const row = await sqlRow<{ n: number }>(
      db,
      `WITH d AS (DELETE FROM idempotency_key WHERE ctid = ANY (ARRAY(
         SELECT ctid FROM idempotency_key WHERE created_at < now() - make_interval(days => $1) LIMIT $2)) RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [days, limit],
    );
    return row!.n;
  }

  async storeResponse(tx: EntityManager, principal: string, key: string, status: number, response: unknown): Promise<void> {
    await sqlRun(tx, `UPDATE idempotency_key SET status = $3, response = $4::jsonb WHERE principal = $1 AND key = $2`, [principal, key, status, JSON.stringify(response)]);
  }
}
