import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { inScope } from '../auth/scope';
import { gridPathAt, openTasksSql, WORKER_LOAD_STATES, WORKER_STATE_SQL } from './field-sql';

export interface PositionInput {
  at: Date;
  lon: number;
  lat: number;
  accuracy: number | null;
}

export interface LatestPosition {
  workerId: number;
  name: string;
  lon: number;
  lat: number;
  at: string;
  accuracy: number | null;
  patrolId: number | null;
  areaPath: string | null;
  state: WorkerState;
  openTasks: number;
}

export type WorkerState = 'on_patrol' | 'on_task' | 'idle' | 'offline';

/**
 * A batch in ONE statement: claim the batch key (a key seen before stores nothing), insert the
 * positions from parallel arrays, move the worker's latest position if the batch is newer, and
 * attribute that latest position to its grid (who may see it).
 */
const INGEST_SQL = `
WITH claim AS (
  INSERT INTO position_batch (worker_id, key, accepted)
  SELECT $1, $2, cardinality($3::timestamptz[]) WHERE $2::text IS NOT NULL
  ON CONFLICT DO NOTHING RETURNING 1
), go AS (
  SELECT ($2::text IS NULL OR EXISTS (SELECT 1 FROM claim)) AS ok
), open_patrol AS (
  SELECT id FROM patrol WHERE worker_id = $1 AND ended_at IS NULL
), pts AS (
  SELECT t.at, t.accuracy, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS geom
    FROM unnest($3::timestamptz[], $4::float8[], $5::float8[], $6::real[]) AS t(at, lon, lat, accuracy), go
   WHERE go.ok
), ins AS (
  INSERT INTO worker_position (worker_id, patrol_id, at, accuracy, geom)
  SELECT $1, (SELECT id FROM open_patrol), at, accuracy, geom FROM pts
  RETURNING 1
), newest AS (
  SELECT * FROM pts ORDER BY at DESC LIMIT 1
), moved AS (
  INSERT INTO worker_latest AS w (worker_id, patrol_id, at, accuracy, geom, area_path)
  SELECT $1, (SELECT id FROM open_patrol), n.at, n.accuracy, n.geom, ${gridPathAt('n.geom')} FROM newest n
  ON CONFLICT (worker_id) DO UPDATE
    SET patrol_id = EXCLUDED.patrol_id, at = EXCLUDED.at, accuracy = EXCLUDED.accuracy, geom = EXCLUDED.geom, area_path = EXCLUDED.area_path
    WHERE w.at <= EXCLUDED.at
  RETURNING 1
)
SELECT (SELECT ok FROM go) AS fresh, (SELECT count(*)::int FROM ins) AS stored, (SELECT count(*)::int FROM moved) AS moved`;

@Injectable()
export class PositionsRepository {
  async ingest(db: EntityManager, workerId: number, key: string | null, positions: PositionInput[]): Promise<{ fresh: boolean; stored: number; moved: boolean }> {
    const [row] = await db.query(INGEST_SQL, [
      workerId,
      key,
      positions.map((p) => p.at.toISOString()),
      positions.map((p) => p.lon),
      positions.map((p) => p.lat),
      positions.map((p) => p.accuracy),
    ]);
    return { fresh: row.fresh, stored: row.stored, moved: row.moved > 0 };
  }

  /** How many positions a key stored the first time (for the answer to a retried batch). */
  async batch(db: EntityManager, workerId: number, key: string): Promise<number | null> {
    const [row] = await db.query(`SELECT accepted FROM position_batch WHERE worker_id = $1 AND key = $2`, [workerId, key]);
    return row ? row.accepted : null;
  }

  /** One worker's latest position with its state and load (for the live message). */
  async latest(db: EntityManager, workerId: number): Promise<LatestPosition | null> {
    const [row] = await db.query(
      `SELECT u.id::int AS "workerId", coalesce(u.display_name, u.username) AS name, ST_X(l.geom) AS lon, ST_Y(l.geom) AS lat,
              l.at, l.accuracy, l.patrol_id::int AS "patrolId", l.area_path::text AS "areaPath",
              ${WORKER_STATE_SQL} AS state, ${openTasksSql('$2')} AS "openTasks"
         FROM app_user u JOIN worker_latest l ON l.worker_id = u.id WHERE u.id = $1`,
      [workerId, WORKER_LOAD_STATES],
    );
    return row ? { ...row, at: new Date(row.at).toISOString() } : null;
  }

  /** Every worker with a position inside the scope (the wall's layer). */
  async allLatest(db: EntityManager, scopePath: string | null): Promise<LatestPosition[]> {
    const rows = await db.query(
      `SELECT u.id::int AS "workerId", coalesce(u.display_name, u.username) AS name, ST_X(l.geom) AS lon, ST_Y(l.geom) AS lat,
              l.at, l.accuracy, l.patrol_id::int AS "patrolId", l.area_path::text AS "areaPath",
              ${WORKER_STATE_SQL} AS state, ${openTasksSql('$2')} AS "openTasks"
         FROM worker_latest l JOIN app_user u ON u.id = l.worker_id
        WHERE u.disabled_at IS NULL AND l.area_path IS NOT NULL AND ${inScope('l.area_path', '$1')}
        ORDER BY u.id`,
      [scopePath, WORKER_LOAD_STATES],
    );
    return rows.map((r: LatestPosition) => ({ ...r, at: new Date(r.at).toISOString() }));
  }

  /** Retention: positions (and batch keys) older than `days` are deleted. */
  async purge(db: EntityManager, days: number): Promise<{ positions: number }> {
    const cutoff = `now() - make_interval(days => $1)`;
    await db.query(`DELETE FROM position_batch WHERE at < ${cutoff}`, [days]);
    const res = await db.query(`WITH d AS (DELETE FROM worker_position WHERE at < ${cutoff} RETURNING 1) SELECT count(*)::int AS n FROM d`, [days]);
    await db.query(`DELETE FROM worker_latest WHERE at < ${cutoff}`, [days]);
    return { positions: res[0].n };
  }
}
