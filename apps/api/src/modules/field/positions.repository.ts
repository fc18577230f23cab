import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WorkerPositionData } from '@gc/contracts';
import { queryPrepared, type PinnedSession } from '../../core/database/prepared-query';
import { sqlChanged, sqlRow, sqlRows } from '../../core/database/sql';
import { inScope } from '../auth/scope';
import { changeInsertFrom } from '../live/change-feed.repository';
import type { PositionBatchEntity } from './entities/position-batch.entity';
import { gridPathAt, isoAt, openTasksSql, WORKER_LOAD_STATES, WORKER_STATE_SQL } from './field-sql';

export interface PositionInput {
  at: Date;
  lon: number;
  lat: number;
  accuracy: number | null;
}

/** A worker's latest position with state and load (the live message's payload) and the grid path it lies in. */
export interface LatestPosition extends WorkerPositionData {
  areaPath: string | null;
}

/** One phone's batch in a group (see PositionsRepository.ingestGroup). */
export interface BatchInput {
  workerId: number;
  key: string | null;
  positions: PositionInput[];
}

export interface BatchOutcome {
  /** false: the key was used before by this worker; nothing was stored */
  fresh: boolean;
  stored: number;
  /** the worker's latest position moved (a `worker.position` row was appended when it lies in a grid) */
  moved: boolean;
  /** for a used key: how many positions it stored the first time (null if that is not visible yet) */
  accepted: number | null;
  /** outbox rows appended by the whole statement */
  pushed: number;
}

/**
 * Many phones' batches in ONE statement (a group commit, one batch per worker: see the service).
 * Per batch: claim its key (a key seen before stores nothing), insert its positions (parallel
 * arrays, $4 = the batch each position belongs to), move the worker's latest position only forward
 * in time and attribute it to its grid (who may see it), and append the worker.position outbox row
 * with the worker's state and load, computed here from the row just written (field-sql.ts).
 * $1 worker ids, $2 keys, $3 positions per batch, $4..$8 positions, $9 load states.
 */
const INGEST_SQL = `
WITH b AS (
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[]) WITH ORDINALITY AS b(worker_id, key, n, i)
), claim AS (
  INSERT INTO position_batch (worker_id, key, accepted)
  SELECT worker_id, key, n FROM b WHERE key IS NOT NULL
  ON CONFLICT DO NOTHING RETURNING worker_id, key
), go AS (
  SELECT b.* FROM b WHERE b.key IS NULL OR EXISTS (SELECT 1 FROM claim c WHERE c.worker_id = b.worker_id AND c.key = b.key)
), pts AS (
  SELECT go.worker_id, t.at, t.accuracy, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS geom
    FROM unnest($4::int[], $5::timestamptz[], $6::float8[], $7::float8[], $8::real[]) AS t(bi, at, lon, lat, accuracy)
    JOIN go ON go.i = t.bi
), open_patrol AS (
  SELECT pa.worker_id, pa.id FROM patrol pa WHERE pa.worker_id = ANY($1::bigint[]) AND pa.ended_at IS NULL
), ins AS (
  INSERT INTO worker_position (worker_id, patrol_id, at, accuracy, geom)
  SELECT pts.worker_id, op.id, pts.at, pts.accuracy, pts.geom FROM pts LEFT JOIN open_patrol op ON op.worker_id = pts.worker_id
  RETURNING worker_id
), newest AS (
  SELECT DISTINCT ON (worker_id) * FROM pts ORDER BY worker_id, at DESC
), moved AS (
  INSERT INTO worker_latest AS w (worker_id, patrol_id, at, accuracy, geom, area_path)
  SELECT n.worker_id, op.id, n.at, n.accuracy, n.geom, ${gridPathAt('n.geom')}
    FROM newest n LEFT JOIN open_patrol op ON op.worker_id = n.worker_id
  ON CONFLICT (worker_id) DO UPDATE
    SET patrol_id = EXCLUDED.patrol_id, at = EXCLUDED.at, accuracy = EXCLUDED.accuracy, geom = EXCLUDED.geom, area_path = EXCLUDED.area_path
    WHERE w.at <= EXCLUDED.at
  RETURNING w.worker_id, w.patrol_id, w.at, w.accuracy, w.geom, w.area_path
), ch AS (
  -- outside every grid nobody's jurisdiction covers the position: no message rather than one for everybody
  ${changeInsertFrom('moved l JOIN app_user u ON u.id = l.worker_id WHERE l.area_path IS NOT NULL', {
    type: `'worker.position'`,
    entityId: 'l.worker_id::text',
    areaPath: 'l.area_path',
    payload: `jsonb_build_object('workerId', l.worker_id::int, 'name', coalesce(u.display_name, u.username), 'lon', ST_X(l.geom), 'lat', ST_Y(l.geom),
        'at', ${isoAt('l.at')}, 'accuracy', l.accuracy, 'patrolId', l.patrol_id::int,
        'state', ${WORKER_STATE_SQL}, 'openTasks', ${openTasksSql('$9')})`,
  })}
  RETURNING 1
)
SELECT (go.i IS NOT NULL) AS fresh,
       (SELECT count(*)::int FROM ins WHERE ins.worker_id = b.worker_id) AS stored,
       EXISTS (SELECT 1 FROM moved m WHERE m.worker_id = b.worker_id) AS moved,
       CASE WHEN go.i IS NULL THEN (SELECT pb.accepted FROM position_batch pb WHERE pb.worker_id = b.worker_id AND pb.key = b.key) END AS accepted,
       (SELECT count(*)::int FROM ch) AS pushed
  FROM b LEFT JOIN go ON go.i = b.i
 ORDER BY b.i`;

/** A worker's latest position as LatestPosition (`u` app_user, `l` worker_latest); $2 = WORKER_LOAD_STATES. */
const LATEST_VIEW = `
SELECT u.id::int AS "workerId", coalesce(u.display_name, u.username) AS name, ST_X(l.geom) AS lon, ST_Y(l.geom) AS lat,
       ${isoAt('l.at')} AS at, l.accuracy, l.patrol_id::int AS "patrolId", l.area_path::text AS "areaPath",
       ${WORKER_STATE_SQL} AS state, ${openTasksSql('$2')} AS "openTasks"
  FROM worker_latest l JOIN app_user u ON u.id = l.worker_id`;

@Injectable()
export class PositionsRepository {
  /**
   * A group of batches, at most one per worker (two of one worker would update their latest row
   * twice in one statement), in one statement (named, prepared; autocommit when `db` is a session).
   */
  async ingestGroup(db: EntityManager | PinnedSession, batches: BatchInput[]): Promise<BatchOutcome[]> {
    const flat = batches.flatMap((b, i) => b.positions.map((p) => [i + 1, p] as const));
    return queryPrepared<BatchOutcome>(db, 'field_position_ingest', INGEST_SQL, [
      batches.map((b) => b.workerId),
      batches.map((b) => b.key),
      batches.map((b) => b.positions.length),
      flat.map(([i]) => i),
      flat.map(([, p]) => p.at.toISOString()),
      flat.map(([, p]) => p.lon),
      flat.map(([, p]) => p.lat),
      flat.map(([, p]) => p.accuracy),
      WORKER_LOAD_STATES,
    ]);
  }

  /** How many positions a key stored the first time (for the answer to a retried batch). */
  async batch(db: EntityManager, workerId: number, key: string): Promise<number | null> {
    const row = await sqlRow<Pick<PositionBatchEntity, 'accepted'>>(db, `SELECT accepted FROM position_batch WHERE worker_id = $1 AND key = $2`, [workerId, key]);
    return row ? row.accepted : null;
  }

  /** One worker's latest position with its state and load (for the live message). */
  async latest(db: EntityManager, workerId: number): Promise<LatestPosition | null> {
    const row = await sqlRow<LatestPosition>(db, `${LATEST_VIEW} WHERE u.id = $1`, [workerId, WORKER_LOAD_STATES]);
    return row ?? null;
  }

  /** Every worker with a position inside the scope (the wall's layer). */
  async allLatest(db: EntityManager, scopePath: string | null): Promise<LatestPosition[]> {
    return sqlRows<LatestPosition>(db, `${LATEST_VIEW} WHERE u.disabled_at IS NULL AND l.area_path IS NOT NULL AND ${inScope('l.area_path', '$1')} ORDER BY u.id`, [scopePath, WORKER_LOAD_STATES]);
  }

  /** Retention: up to `limit` rows of `table` older than `days` deleted (the caller repeats, one short transaction a chunk); how many went. */
  async purgeChunk(db: EntityManager, table: 'position_batch' | 'worker_position' | 'worker_latest', days: number, limit: number): Promise<number> {
    return sqlChanged(db, `DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE at < now() - make_interval(days => $1) LIMIT $2))`, [days, limit]);
  }
}
