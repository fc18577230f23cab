import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PatrolSummaryRow, PatrolView } from '@gc/contracts';
import { sqlRow, sqlRows } from '../../core/database/sql';
import { inScope } from '../auth/scope';
import { gridPathAt, isoAt } from './field-sql';

/**
 * Patrol rows as PatrolView, with their derived track (LineString, or Point for a single position;
 * null before the first), length and coverage (share 0..1 of the grid's area within 50 m of the
 * track), all computed in PostGIS.
 */
const PATROL_VIEW = `
SELECT p.id::int AS id, p.worker_id::int AS "workerId", coalesce(u.display_name, u.username) AS "workerName", p.grid_code AS "gridCode",
       ${isoAt('p.started_at')} AS "startedAt", ${isoAt('p.ended_at')} AS "endedAt",
       extract(epoch FROM coalesce(p.ended_at, now()) - p.started_at)::float8 AS "durationS",
       t.n AS positions,
       ST_AsGeoJSON(t.track, 6)::jsonb AS track,
       coalesce(ST_Length(t.track::geography), 0)::float8 AS "lengthM",
       CASE WHEN g.geom IS NULL OR t.track IS NULL THEN NULL
            ELSE least(1, ST_Area(ST_Intersection(ST_Buffer(t.track::geography, 50)::geometry, g.geom)::geography) / nullif(g.area_m2, 0))::float8 END AS coverage
  FROM patrol p
  JOIN app_user u ON u.id = p.worker_id
  LEFT JOIN area g ON g.id = p.grid_id
  LEFT JOIN LATERAL (
    SELECT count(*)::int AS n,
           CASE WHEN count(*) = 0 THEN NULL::geometry WHEN count(*) = 1 THEN ST_GeometryN(ST_Collect(wp.geom), 1) ELSE ST_MakeLine(wp.geom ORDER BY wp.at) END AS track
      FROM worker_position wp WHERE wp.patrol_id = p.id
  ) t ON true`;

/**
 * Patrol time and coverage per worker or per grid over [$1, $2], in the scope $3. Each patrol is
 * clipped to the period, its track made of its positions inside the period; tracks are buffered
 * by 50 m on the sphere and unioned per (key, grid) before the intersection with the grid, so two
 * patrols along the same street cover it once. $4 = 'worker' | 'grid'.
 */
const SUMMARY_SQL = `
WITH p AS (
  SELECT p.id, p.worker_id, p.grid_id, p.grid_code,
         extract(epoch FROM least(coalesce(p.ended_at, now()), $2) - greatest(p.started_at, $1))::float8 AS seconds,
         CASE WHEN $4 = 'worker' THEN p.worker_id::text ELSE coalesce(p.grid_code, '') END AS key
    FROM patrol p
   WHERE p.started_at <= $2 AND coalesce(p.ended_at, now()) >= $1
     AND ${inScope('p.area_path', '$3')} AND ($3::ltree IS NULL OR p.area_path IS NOT NULL)
), t AS (
  SELECT p.*, tr.track FROM p
  LEFT JOIN LATERAL (
    SELECT CASE WHEN count(*) = 0 THEN NULL::geometry WHEN count(*) = 1 THEN ST_GeometryN(ST_Collect(wp.geom), 1) ELSE ST_MakeLine(wp.geom ORDER BY wp.at) END AS track
      FROM worker_position wp WHERE wp.patrol_id = p.id AND wp.at BETWEEN $1 AND $2
  ) tr ON true
), per_key AS (
  SELECT key, count(*)::int AS patrols, count(DISTINCT worker_id)::int AS workers, sum(seconds)::float8 AS seconds,
         coalesce(sum(ST_Length(track::geography)), 0)::float8 AS "lengthM"
    FROM t GROUP BY key
), per_grid AS (
  -- covered area per (key, grid): the union of the buffered tracks, cut by the grid
  SELECT t.key, g.area_m2,
         coalesce(ST_Area(ST_Intersection(ST_Union(ST_Buffer(t.track::geography, 50)::geometry), g.geom)::geography), 0) AS covered
    FROM t JOIN area g ON g.id = t.grid_id
   GROUP BY t.key, g.id, g.area_m2, g.geom
)
SELECT k.key, k.patrols, k.workers, k.seconds, k."lengthM",
       CASE WHEN $4 = 'worker' THEN (SELECT coalesce(u.display_name, u.username) FROM app_user u WHERE u.id = k.key::bigint)
            ELSE coalesce((SELECT a.name FROM area a WHERE a.code = k.key ORDER BY a.valid_to DESC NULLS FIRST LIMIT 1), k.key) END AS name,
       (SELECT least(1, sum(covered) / nullif(sum(area_m2), 0))::float8 FROM per_grid pg WHERE pg.key = k.key) AS coverage
  FROM per_key k
 ORDER BY k.seconds DESC, k.key`;

@Injectable()
export class PatrolsRepository {
  async summary(db: EntityManager, q: { from: Date; to: Date; scopePath: string | null; groupBy: 'worker' | 'grid' }): Promise<PatrolSummaryRow[]> {
    return sqlRows<PatrolSummaryRow>(db, SUMMARY_SQL, [q.from, q.to, q.scopePath, q.groupBy]);
  }

  /**
   * Start a patrol against the worker's own grid (grid staff) or, if none, the grid of their latest
   * position. NULL when an open patrol exists (the unique index decides, not a prior read).
   */
  async start(db: EntityManager, workerId: number): Promise<number | null> {
    const row = await sqlRow<{ id: number }>(
      db,
      `WITH own AS (
         SELECT a.id, a.code, a.path FROM grid_staff gs JOIN area a ON a.code = gs.area_code AND a.valid_from IS NOT NULL AND a.valid_to IS NULL
          WHERE gs.user_id = $1 AND gs.valid_to IS NULL ORDER BY gs.valid_from LIMIT 1
       ), here AS (
         SELECT a.id, a.code, a.path FROM worker_latest l JOIN area a ON a.path = ${gridPathAt('l.geom')} AND a.valid_to IS NULL
          WHERE l.worker_id = $1 LIMIT 1
       ), g AS (SELECT * FROM own UNION ALL SELECT * FROM here LIMIT 1)
       INSERT INTO patrol (worker_id, grid_id, grid_code, area_path)
       SELECT $1, (SELECT id FROM g), (SELECT code FROM g), (SELECT path FROM g)
       ON CONFLICT (worker_id) WHERE ended_at IS NULL DO NOTHING
       RETURNING id::int`,
      [workerId],
    );
    return row?.id ?? null;
  }

  async open(db: EntityManager, workerId: number): Promise<number | null> {
    const row = await sqlRow<{ id: number }>(db, `SELECT id::int FROM patrol WHERE worker_id = $1 AND ended_at IS NULL`, [workerId]);
    return row?.id ?? null;
  }

  /** End the worker's own open patrol; returns false when it is not theirs or already ended. */
  async end(db: EntityManager, id: number, workerId: number): Promise<'ended' | 'already' | 'missing'> {
    const row = await sqlRow<{ ended: boolean; mine: boolean }>(
      db,
      `WITH u AS (UPDATE patrol SET ended_at = now() WHERE id = $1 AND worker_id = $2 AND ended_at IS NULL RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM u) AS ended, EXISTS (SELECT 1 FROM patrol WHERE id = $1 AND worker_id = $2) AS mine`,
      [id, workerId],
    );
    return row!.ended ? 'ended' : row!.mine ? 'already' : 'missing';
  }

  async get(db: EntityManager, id: number): Promise<PatrolView | null> {
    return (await sqlRow<PatrolView>(db, `${PATROL_VIEW} WHERE p.id = $1`, [id])) ?? null;
  }

  /** Patrols that overlap [from, to], in the scope (or only one worker's), newest first. */
  async list(db: EntityManager, q: { workerId: number | null; from: Date; to: Date; scopePath: string | null; limit: number }): Promise<PatrolView[]> {
    return sqlRows<PatrolView>(
      db,
      `${PATROL_VIEW}
        WHERE ($1::bigint IS NULL OR p.worker_id = $1)
          AND p.started_at <= $3 AND coalesce(p.ended_at, now()) >= $2
          AND (${inScope('p.area_path', '$4')} AND ($4::ltree IS NULL OR p.area_path IS NOT NULL))
        ORDER BY p.started_at DESC LIMIT $5`,
      [q.workerId, q.from, q.to, q.scopePath, q.limit],
    );
  }
}
