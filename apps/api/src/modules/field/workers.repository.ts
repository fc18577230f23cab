import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WorkerSuggestion } from '@gc/contracts';
import { queryPrepared } from '../../core/database/prepared-query';
import { sqlRow } from '../../core/database/sql';
import { inScope } from '../auth/scope';
import { isoAt, jurisdictionPathSql, OFFLINE_AFTER_MINUTES, openTasksSql, WORKER_LOAD_STATES, workerStateSql } from './field-sql';

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

/** A grid worker account whose jurisdiction covers the grid path (an expression; null: no grid asked, any). */
const coversGrid = (gridPath: string | null) =>
  `('grid_worker' = ANY(u.roles) AND u.disabled_at IS NULL${gridPath === null ? '' : `\n    AND (${gridPath}::ltree IS NULL OR u.jurisdiction_code = '*' OR ${gridPath}::ltree <@ ${jurisdictionPathSql('u')})`})`;

/**
 * The nearest-worker statement's parameters: $1 lon, $2 lat, $3 available, $4 the viewer's scope,
 * $5 WORKER_LOAD_STATES, and with a grid $6 its code. Limit and candidates go into the text.
 */
const POINT = `ST_SetSRID(ST_MakePoint($1, $2), 4326)`;

/** The checks a latest position row `l` (joined to its account `u`) must pass to be suggested. */
const eligible = (gridPath: string | null) => `l.area_path IS NOT NULL AND ${inScope('l.area_path', '$4')} AND ${coversGrid(gridPath)}
     AND (NOT $3 OR ${AVAILABLE_SQL})`;

/** What the answer shows of a worker `id` whose latest position (`at`, `geom`) is known. */
const shown = (id: string, at: string, geom: string) => `${isoAt(at)} AS at, ST_X(${geom}) AS lon, ST_Y(${geom}) AS lat,
           round(ST_Distance(${geom}::geography, ${POINT}::geography)::numeric, 1)::float8 AS "distanceM",
           ${workerStateSql(id, at)} AS state, ${openTasksSql('$5', id)} AS "openTasks"`;

/** One form of the statement: with or without a grid; from the K nearest (a number) or from every latest position (null). */
interface NearForm {
  limit: number;
  candidates: number | null;
  grid: boolean;
}

/**
 * Who can take a case here (GET /api/workers), in one statement: the grid's staff with an account
 * first, then the nearest eligible workers, each with distance on the sphere, state and load.
 *
 * The nearest come from the K nearest latest positions by bare KNN (`<->` on worker_latest's GiST
 * index: an ordered scan that stops after K rows, the point inline as a constant so the index can
 * order), checked. `enough` says whether that settles it: L passed, or there are fewer than K
 * positions at all. When it does not (most nearby workers busy, offline, or outside the caller's
 * jurisdiction) the repository runs the form without K, the same checks over every latest
 * position, in a second statement. The nearest rows carry what the answer shows from their own rows
 * (no second lookup per worker); only the grid's staff, who may be anywhere, are read per id.
 *
 * Each form is its own named statement with limit and K in the text: as parameters, a generic plan
 * was priced as if LIMIT kept a tenth of the rows and the statement was planned anew at every call
 * (40 custom plans of 40 in pg_prepared_statements at 5,000 workers, ~1.5 ms each). Without a grid
 * and without the fallback in it the plan is a third of the nodes, and executor start-up and
 * shutdown of every node are paid at each call whether a node runs or not.
 */
function nearSql({ limit, candidates, grid }: NearForm): string {
  const gridPath = grid ? '(SELECT path FROM g)' : null;
  const notStaff = grid ? ' AND l.worker_id NOT IN (SELECT id FROM staff)' : '';
  const source = candidates === null ? 'worker_latest' : 'cand';
  return `
WITH ${
    grid
      ? `g AS (
  SELECT a.code, a.path FROM area a
   WHERE a.code = $6 AND a.valid_from IS NOT NULL AND a.valid_to IS NULL AND ${inScope('a.path', '$4')}
), staff AS (
  SELECT DISTINCT gs.user_id AS id FROM grid_staff gs JOIN g ON gs.area_code = g.code
   WHERE gs.valid_to IS NULL AND gs.user_id IS NOT NULL
), `
      : ''
  }${
    candidates === null
      ? ''
      : `cand AS MATERIALIZED (
  SELECT l.worker_id, l.at, l.geom, l.area_path FROM worker_latest l ORDER BY l.geom <-> ${POINT} LIMIT ${candidates}
), `
  }near AS (
  SELECT u.id, coalesce(u.display_name, u.username) AS name, l.at, l.geom FROM ${source} l JOIN app_user u ON u.id = l.worker_id
   WHERE ${eligible(gridPath)}${notStaff}
   ORDER BY l.geom <-> ${POINT} LIMIT ${limit}
), rows AS (${
    grid
      ? `
  -- the staff per id, by primary key (LATERAL … OFFSET 0: never pulled up into a join the planner may turn into a scan of every account)
  SELECT r.* FROM staff, LATERAL (
    SELECT u.id::int AS id, coalesce(u.display_name, u.username) AS name, true AS "gridStaff", ${shown('u.id', 'l.at', 'l.geom')}
      FROM app_user u LEFT JOIN worker_latest l ON l.worker_id = u.id
     WHERE u.id = staff.id AND ${coversGrid(gridPath)}
       AND (NOT $3 OR (l.worker_id IS NOT NULL AND ${AVAILABLE_SQL}))
     OFFSET 0
  ) r
  UNION ALL`
      : ''
  }
  SELECT n.id::int, n.name, false AS "gridStaff", ${shown('n.id', 'n.at', 'n.geom')} FROM near n
)
SELECT ${grid ? 'EXISTS (SELECT 1 FROM g)' : 'true'} AS "gridFound",
       ${candidates === null ? 'true' : `(SELECT count(*) FROM near) >= ${limit} OR (SELECT count(*) FROM cand) < ${candidates}`} AS enough,
       coalesce((SELECT jsonb_agg(to_jsonb(r) ORDER BY r."gridStaff" DESC, r."distanceM" NULLS LAST, r.id)
                   FROM (SELECT * FROM rows ORDER BY "gridStaff" DESC, "distanceM" NULLS LAST, id LIMIT ${limit}) r), '[]'::jsonb) AS workers`;
}

/** The statements' texts by name, each built once. */
const nearTexts = new Map<string, string>();

@Injectable()
export class WorkersRepository {
  /**
   * The K nearest checked, and only when they do not settle it the full form (see nearSql); named,
   * prepared, autocommit. `gridFound` false when a grid code was given and is not a current grid in
   * the caller's scope.
   */
  async near(db: EntityManager, q: NearQuery, scopePath: string | null): Promise<{ gridFound: boolean; workers: WorkerSuggestion[] }> {
    // candidates: enough for the checks to leave `limit` in a normal city, few enough to read in well under a millisecond
    const candidates = q.candidates ?? Math.max(20, q.limit * 2);
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 1000 || !Number.isInteger(candidates) || candidates < 1 || candidates > 10_000) {
      throw new Error(`workers near: limit ${q.limit} and candidates ${candidates} must be small positive integers`);
    }
    const grid = q.gridCode !== null;
    const params = [q.lon, q.lat, q.available, scopePath, WORKER_LOAD_STATES, ...(grid ? [q.gridCode] : [])];
    const run = async (form: NearForm) => {
      const name = `field_workers_near_${form.grid ? 'grid' : 'any'}_${form.limit}_${form.candidates ?? 'all'}`;
      let text = nearTexts.get(name);
      if (text === undefined) nearTexts.set(name, (text = nearSql(form)));
      const [row] = await queryPrepared<{ gridFound: boolean; enough: boolean; workers: WorkerSuggestion[] }>(db, name, text, params);
      return row;
    };
    let r = await run({ limit: q.limit, candidates, grid });
    if (!r.enough && r.gridFound) r = await run({ limit: q.limit, candidates: null, grid });
    return { gridFound: r.gridFound, workers: r.workers };
  }

  /** A grid worker who may be assigned a case in this grid path: active, role grid_worker, jurisdiction covering it. */
  async assignable(db: EntityManager, userId: number, gridPath: string | null): Promise<{ id: number; name: string } | null> {
    const row = await sqlRow<{ id: number; name: string }>(db, `SELECT u.id::int AS id, coalesce(u.display_name, u.username) AS name FROM app_user u WHERE u.id = $1 AND ${coversGrid('$2')}`, [userId, gridPath]);
    return row ?? null;
  }
}
