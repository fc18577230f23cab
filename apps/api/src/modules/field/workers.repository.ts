import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WorkerSuggestion } from '@gc/contracts';
import { queryPrepared } from '../../core/database/prepared-query';
import { sqlRow } from '../../core/database/sql';
import { inScope } from '../auth/scope';
import { jurisdictionPathSql, OFFLINE_AFTER_MINUTES, openTasksSql, WORKER_LOAD_STATES, WORKER_STATE_SQL } from './field-sql';

export interface NearQuery {
  lon: number;
  lat: number;
  /** the case's grid (code): its own staff come first, and only workers whose jurisdiction covers it */
  gridCode: string | null;
  available: boolean;
  limit: number;
  /** nearest latest positions read before the checks (default max(20, 2 × limit)); tests set 1 to force the fallback */
  candidates?: number;
}

/** Available = has sent a position in the last 10 minutes and has no case in progress. */
const AVAILABLE_SQL = `(l.at >= now() - interval '${OFFLINE_AFTER_MINUTES} minutes'
    AND NOT EXISTS (SELECT 1 FROM event e WHERE e.assignee_user_id = l.worker_id AND e.state = 'in_progress'))`;

/** A grid worker account whose jurisdiction covers the grid path $n (NULL grid: any). */
const coversGrid = (gridParam: string) => `('grid_worker' = ANY(u.roles) AND u.disabled_at IS NULL
    AND (${gridParam}::ltree IS NULL OR u.jurisdiction_code = '*' OR ${gridParam}::ltree <@ ${jurisdictionPathSql('u')}))`;

/** The checks a latest position row `l` (joined to its account `u`) must pass to be suggested; $4 available, $5 viewer scope. */
const eligible = (gridPath: string) => `l.area_path IS NOT NULL AND ${inScope('l.area_path', '$5')} AND ${coversGrid(gridPath)}
     AND (NOT $4 OR (l.at >= now() - interval '${OFFLINE_AFTER_MINUTES} minutes'
                     AND NOT EXISTS (SELECT 1 FROM event e WHERE e.assignee_user_id = l.worker_id AND e.state = 'in_progress')))`;

/**
 * Who can take a case here, in ONE statement (autocommit, one round trip): the grid's staff with an
 * account first, then the nearest eligible workers, each with distance on the sphere, state and load.
 * The nearest: the K nearest latest positions by bare KNN (`<->` on worker_latest's GiST index,
 * an ordered scan that stops after K rows), checked; only when fewer than L of them pass (most
 * nearby workers busy, offline or outside the caller's jurisdiction) does the fallback run, the same
 * checks over every latest position (a CTE that is not read is not run). Both are plain joins, so
 * the whole plan is cheap in the planner's eyes too (no JIT compile for a 1 ms query).
 * $1 lon, $2 lat, $3 grid code (NULL: none), $4 available, $5 viewer scope, $6 load states; the
 * limit L and the number of candidates K are written into the text (integers checked here): with
 * them as parameters a generic plan is priced as if LIMIT kept a tenth of the rows, and the prepared
 * statement was planned anew at every call (40 custom plans of 40 in pg_prepared_statements, 5,000
 * workers, ~1.5 ms each); as constants a generic plan can be priced right.
 * One row: whether the grid was found, and the workers as JSON in order.
 */
const nearSql = (limit: number, candidates: number) => `
WITH g AS (
  SELECT a.code, a.path FROM area a
   WHERE $3::text IS NOT NULL AND a.code = $3 AND a.valid_from IS NOT NULL AND a.valid_to IS NULL AND ${inScope('a.path', '$5')}
), staff AS (
  SELECT DISTINCT gs.user_id AS id FROM grid_staff gs JOIN g ON gs.area_code = g.code
   WHERE gs.valid_to IS NULL AND gs.user_id IS NOT NULL
), cand AS MATERIALIZED (
  -- the point inline (not a CTE column): a KNN index scan needs a constant on the right of <->
  SELECT l.worker_id, l.at, l.geom, l.area_path FROM worker_latest l
   ORDER BY l.geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT ${candidates}
), ok AS MATERIALIZED (
  SELECT l.worker_id AS id, l.geom FROM cand l JOIN app_user u ON u.id = l.worker_id WHERE ${eligible('(SELECT path FROM g)')}
), enough AS (
  SELECT (SELECT count(*) FROM ok) >= ${limit} OR (SELECT count(*) FROM cand) < ${candidates} AS yes
), fallback AS (
  SELECT l.worker_id AS id FROM worker_latest l JOIN app_user u ON u.id = l.worker_id
   WHERE NOT (SELECT yes FROM enough) AND ${eligible('(SELECT path FROM g)')}
   ORDER BY l.geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT ${limit}
), near AS (
  (SELECT id FROM ok WHERE (SELECT yes FROM enough) ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT ${limit})
  UNION ALL SELECT id FROM fallback
), ids AS (
  SELECT id, true AS staff FROM staff
  UNION ALL SELECT id, false FROM near WHERE id NOT IN (SELECT id FROM staff)
), rows AS (
  -- per id, by primary key (LATERAL … OFFSET 0: never pulled up into a join the planner may turn into a scan of every account)
  SELECT r.* FROM ids, LATERAL (
    SELECT u.id::int AS id, coalesce(u.display_name, u.username) AS name, ids.staff AS "gridStaff",
           ST_X(l.geom) AS lon, ST_Y(l.geom) AS lat, l.at,
           round(ST_Distance(l.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography)::numeric, 1)::float8 AS "distanceM",
           ${WORKER_STATE_SQL} AS state, ${openTasksSql('$6')} AS "openTasks"
      FROM app_user u LEFT JOIN worker_latest l ON l.worker_id = u.id
     WHERE u.id = ids.id AND ${coversGrid('(SELECT path FROM g)')}
       AND (NOT $4 OR (l.worker_id IS NOT NULL AND ${AVAILABLE_SQL}))
       AND (ids.staff OR ${inScope('l.area_path', '$5')})
     OFFSET 0
  ) r
)
SELECT EXISTS (SELECT 1 FROM g) AS "gridFound",
       coalesce((SELECT jsonb_agg(to_jsonb(r) ORDER BY r."gridStaff" DESC, r."distanceM" NULLS LAST, r.id)
                   FROM (SELECT * FROM rows ORDER BY "gridStaff" DESC, "distanceM" NULLS LAST, id LIMIT ${limit}) r), '[]'::jsonb) AS workers`;

@Injectable()
export class WorkersRepository {
  /** One statement (named, prepared): `gridFound` false when a grid code was given and is not a current grid in the caller's scope. */
  async near(db: EntityManager, q: NearQuery, scopePath: string | null): Promise<{ gridFound: boolean; workers: WorkerSuggestion[] }> {
    // candidates: enough for the checks to leave `limit` in a normal city, few enough to read in well under a millisecond
    const candidates = q.candidates ?? Math.max(20, q.limit * 2);
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 1000 || !Number.isInteger(candidates) || candidates < 1 || candidates > 10_000) {
      throw new Error(`workers near: limit ${q.limit} and candidates ${candidates} must be small positive integers`);
    }
    const [row] = await queryPrepared<{ gridFound: boolean; workers: (WorkerSuggestion & { at: string | null })[] }>(db, `field_workers_near_${q.limit}_${candidates}`, nearSql(q.limit, candidates), [
      q.lon,
      q.lat,
      q.gridCode,
      q.available,
      scopePath,
      WORKER_LOAD_STATES,
    ]);
    return { gridFound: row.gridFound, workers: row.workers.map((r) => ({ ...r, at: r.at ? new Date(r.at).toISOString() : null })) };
  }

  /** A grid worker who may be assigned a case in this grid path: active, role grid_worker, jurisdiction covering it. */
  async assignable(db: EntityManager, userId: number, gridPath: string | null): Promise<{ id: number; name: string } | null> {
    const row = await sqlRow<{ id: number; name: string }>(db, `SELECT u.id::int AS id, coalesce(u.display_name, u.username) AS name FROM app_user u WHERE u.id = $1 AND ${coversGrid('$2')}`, [userId, gridPath]);
    return row ?? null;
  }
}
