import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WorkerSuggestion } from '@gc/contracts';
import { inScope } from '../auth/scope';
import { jurisdictionPathSql, OFFLINE_AFTER_MINUTES, openTasksSql, WORKER_LOAD_STATES, WORKER_STATE_SQL } from './field-sql';

export interface NearQuery {
  lon: number;
  lat: number;
  /** the case's grid: its own staff come first, and only workers whose jurisdiction covers it */
  gridPath: string | null;
  gridCode: string | null;
  available: boolean;
  limit: number;
}

/** Available = has sent a position in the last 10 minutes and has no case in progress. */
const AVAILABLE_SQL = `(l.at >= now() - interval '${OFFLINE_AFTER_MINUTES} minutes'
    AND NOT EXISTS (SELECT 1 FROM event e WHERE e.assignee_user_id = l.worker_id AND e.state = 'in_progress'))`;

/** A grid worker account whose jurisdiction covers the grid path $n (NULL grid: any). */
const coversGrid = (gridParam: string) => `('grid_worker' = ANY(u.roles) AND u.disabled_at IS NULL
    AND (${gridParam}::ltree IS NULL OR u.jurisdiction_code = '*' OR ${gridParam}::ltree <@ ${jurisdictionPathSql('u')}))`;

/**
 * Grid staff first (those with an account), then the nearest by KNN (`<->` on worker_latest's
 * GiST index: an ordered index scan, not a sort of every worker), each with its distance on the
 * sphere, state and load. $1 lon, $2 lat, $3 grid path, $4 grid code, $5 available, $6 limit,
 * $7 viewer scope, $8 load states.
 */
const NEAR_SQL = `
WITH here AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g),
staff AS (
  SELECT DISTINCT gs.user_id AS id FROM grid_staff gs
   WHERE $4::text IS NOT NULL AND gs.area_code = $4 AND gs.valid_to IS NULL AND gs.user_id IS NOT NULL
), near AS MATERIALIZED (
  -- Per-row checks are scalar subqueries (never pulled up into joins), so the plan stays an ordered
  -- GiST scan of worker_latest that stops after $6 hits, whatever the planner thinks of app_user.
  SELECT l.worker_id AS id FROM worker_latest l
   WHERE l.area_path IS NOT NULL AND ${inScope('l.area_path', '$7')}
     AND (NOT $5 OR (l.at >= now() - interval '${OFFLINE_AFTER_MINUTES} minutes'
                     AND (SELECT count(*) FROM event e WHERE e.assignee_user_id = l.worker_id AND e.state = 'in_progress') = 0))
     AND (SELECT ${coversGrid('$3')} FROM app_user u WHERE u.id = l.worker_id) IS TRUE
   -- the point inline (not a CTE column): a KNN index scan needs a constant on the right of <->
   ORDER BY l.geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)
   LIMIT $6
), ids AS (
  SELECT id, true AS staff FROM staff
  UNION ALL SELECT id, false FROM near WHERE id NOT IN (SELECT id FROM staff)
)
SELECT u.id::int AS id, coalesce(u.display_name, u.username) AS name, ids.staff AS "gridStaff",
       ST_X(l.geom) AS lon, ST_Y(l.geom) AS lat, l.at,
       round(ST_Distance(l.geom::geography, here.g::geography)::numeric, 1)::float8 AS "distanceM",
       ${WORKER_STATE_SQL} AS state, ${openTasksSql('$8')} AS "openTasks"
  FROM ids JOIN app_user u ON u.id = ids.id LEFT JOIN worker_latest l ON l.worker_id = u.id, here
 WHERE ${coversGrid('$3')}
   AND (NOT $5 OR (l.worker_id IS NOT NULL AND ${AVAILABLE_SQL}))
   AND (ids.staff OR ${inScope('l.area_path', '$7')})
 ORDER BY ids.staff DESC, "distanceM" NULLS LAST, u.id
 LIMIT $6`;

@Injectable()
export class WorkersRepository {
  /** `db` must be a transaction (SET LOCAL). */
  async near(db: EntityManager, q: NearQuery, scopePath: string | null): Promise<WorkerSuggestion[]> {
    // The filtered KNN scan is costed as if it read every row (the planner cannot know it stops after
    // $6 hits), which crosses jit_above_cost: compiling took 50-170 ms for a query that runs in ~1 ms.
    await db.query(`SET LOCAL jit = off`);
    const rows = await db.query(NEAR_SQL, [q.lon, q.lat, q.gridPath, q.gridCode, q.available, q.limit, scopePath, WORKER_LOAD_STATES]);
    return rows.map((r: WorkerSuggestion & { at: Date | null }) => ({ ...r, at: r.at ? new Date(r.at).toISOString() : null }));
  }

  /** The bare KNN on the latest positions (the benchmark's peer and a sanity reference). */
  async bareKnn(db: EntityManager, lon: number, lat: number, limit: number): Promise<number[]> {
    const rows = await db.query(`SELECT worker_id::int AS id FROM worker_latest ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT $3`, [lon, lat, limit]);
    return rows.map((r: { id: number }) => r.id);
  }

  /** A current grid in the caller's scope, by code (404 otherwise: other jurisdictions do not exist for them). */
  async grid(db: EntityManager, code: string, scopePath: string | null): Promise<{ code: string; path: string } | null> {
    const [row] = await db.query(
      `SELECT code, path::text AS path FROM area WHERE code = $1 AND valid_from IS NOT NULL AND valid_to IS NULL AND ${inScope('path', '$2')}`,
      [code, scopePath],
    );
    return row ?? null;
  }

  /** A grid worker who may be assigned a case in this grid path: active, role grid_worker, jurisdiction covering it. */
  async assignable(db: EntityManager, userId: number, gridPath: string | null): Promise<{ id: number; name: string } | null> {
    const [row] = await db.query(
      `SELECT u.id::int AS id, coalesce(u.display_name, u.username) AS name FROM app_user u WHERE u.id = $1 AND ${coversGrid('$2')}`,
      [userId, gridPath],
    );
    return row ?? null;
  }
}
