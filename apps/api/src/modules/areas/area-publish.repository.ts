import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { inScope } from '../auth/scope';
import type { AttributedTable } from './attributed-tables';
import type { DraftSource } from './area-studio.repository';
import { sqlRow, sqlRun } from '../../core/database/sql';
import type { AreaVersionEntity } from './entities/area-version.entity';

/**
 * A draft row `d` that leaves the current row `c` with its code as it was: same level, parent, path
 * and name, and the same area: the same vertices in order (ST_OrderingEquals), the same vertices
 * once both are put on the 1e-7° grid the studio sends coordinates on (a grid saved back from the
 * studio unchanged), or the same point set (ST_Equals: another start vertex or orientation).
 * Publishing keeps such a current row open; the impact preview counts with the same rule.
 */
export const SAME_AREA = (d: string, c: string) => `(${c}.code = ${d}.code AND ${c}.level = ${d}.level
  AND ${c}.parent_code IS NOT DISTINCT FROM ${d}.parent_code AND ${c}.path = ${d}.path AND ${c}.name = ${d}.name
  AND ${c}.geom && ${d}.geom
  AND (ST_OrderingEquals(${c}.geom, ${d}.geom) OR ST_OrderingEquals(ST_SnapToGrid(${c}.geom, 1e-7), ST_SnapToGrid(${d}.geom, 1e-7)) OR ST_Equals(${c}.geom, ${d}.geom)))`;

const CURRENT = (a: string) => `${a}.valid_from IS NOT NULL AND ${a}.valid_to IS NULL`;

/**
 * The ids of the current rows a draft (`$1`) replaces when published: same level and code, or same
 * level under a parent the draft redraws (a redraw of a street's grids replaces all of that
 * street's grids, including codes that disappear). Two joins, not `EXISTS … OR EXISTS …`: the OR
 * kept the planner from a semi-join and made it scan the draft once per current row (quadratic:
 * minutes at 100k cells; bench/areas-publish.bench.ts).
 */
export const REPLACED_IDS = `WITH d AS (SELECT DISTINCT code, level, parent_code FROM area WHERE version_id = $1)
  SELECT c.id FROM area c JOIN d ON d.code = c.code AND d.level = c.level
   WHERE ${CURRENT('c')} AND c.version_id <> $1
  UNION
  SELECT c.id FROM area c JOIN (SELECT DISTINCT parent_code, level FROM d WHERE parent_code IS NOT NULL) dp
                       ON dp.parent_code = c.parent_code AND dp.level = c.level
   WHERE ${CURRENT('c')} AND c.version_id <> $1`;

/**
 * What publishing draft `$1` changes, as CTEs: `rep`, the current rows it replaces (looked up by
 * id from an array, so the planner knows they are few), and `kept (cid, did)`, the pairs of a
 * replaced row and the draft row that leaves it as it was (SAME_AREA). Publishing keeps `cid`
 * open and drops `did`; it opens the other draft rows and closes the other replaced rows.
 */
export const CHANGE_SET = `rep AS MATERIALIZED (SELECT c.* FROM area c WHERE c.id = ANY(ARRAY(${REPLACED_IDS}))),
  kept AS MATERIALIZED (SELECT c.id AS cid, d.id AS did FROM area d JOIN rep c ON c.code = d.code AND c.level = d.level WHERE d.version_id = $1 AND ${SAME_AREA('d', 'c')})`;

/**
 * The grid each row of one registered table gets when areas change, for the rows lying in the
 * changed areas only (rows elsewhere keep theirs): the deepest covering area that holds afterwards,
 * ties to the lowest code, as locate decides. Publishing writes it; the impact preview counts it
 * before publishing; both run this one text. `$1`: ids of the areas that open, `$2`: of those
 * that close. The areas that hold afterwards: the current ones but the closing, and the opening.
 * Candidates: the rows a changed piece covers. Their rivals: the areas holding afterwards, at least
 * as deep as the changed ones, whose pieces meet a changed piece (the opened areas, their
 * neighbours, kept ones on a shared border, areas inside them): any covering area that could win
 * is among them, so one join against those few polygons decides (instead of one index probe of
 * every area piece per row). A candidate no rival covers (a closed area left as a gap) is looked
 * up among all areas. Gives `best (tid, old_id, old_code, id, code, path)` and `left_behind (tid)`:
 * the rows that point at a closing area and get no other (outside every area afterwards; they lie
 * inside the closing areas' extent, so the geometry index finds them, no grid_id index needed).
 * `t` comes from code (registerAttributedTable), never from a request.
 */
export const REATTRIBUTION = (t: AttributedTable) => {
  const open = t.openOnly ? `(${t.openOnly})` : 'true';
  const live = (a: string) => `((${CURRENT(a)} AND ${a}.id <> ALL($2::bigint[])) OR ${a}.id = ANY($1::bigint[]))`;
  return `chg AS MATERIALIZED (
    SELECT id, path FROM area WHERE id = ANY($1::bigint[]) OR id = ANY($2::bigint[])
  ), chgparts AS MATERIALIZED (
    SELECT p.geom FROM chg JOIN area_part p ON p.area_id = chg.id
  ), cand AS MATERIALIZED (
    SELECT DISTINCT ON (x.ctid) x.ctid AS tid, x.geom, x.grid_id AS old_id, x.grid_code AS old_code
      FROM chgparts ch JOIN ${t.table} x ON x.geom && ch.geom AND ST_Covers(ch.geom, x.geom)
     WHERE ${open}
  ), rivals AS MATERIALIZED (
    SELECT DISTINCT r.id, r.code, r.path, rp.geom
      FROM chgparts ch JOIN area_part rp ON rp.geom && ch.geom
      JOIN area r ON r.id = rp.area_id AND ${live('r')}
     WHERE nlevel(r.path) >= (SELECT min(nlevel(path)) FROM chg)
  ), ranked AS MATERIALIZED (
    SELECT DISTINCT ON (c.tid) c.tid, c.old_id, c.old_code, r.id, r.code, r.path
      FROM cand c JOIN rivals r ON r.geom && c.geom AND ST_Covers(r.geom, c.geom)
     ORDER BY c.tid, nlevel(r.path) DESC, r.code
  ), rest AS (
    SELECT DISTINCT ON (c.tid) c.tid, c.old_id, c.old_code, a.id, a.code, a.path
      FROM cand c
      JOIN area_part p ON p.geom && c.geom AND ST_Covers(p.geom, c.geom)
      JOIN area a ON a.id = p.area_id AND ${live('a')}
     WHERE NOT EXISTS (SELECT 1 FROM ranked WHERE ranked.tid = c.tid)
     ORDER BY c.tid, nlevel(a.path) DESC, a.code
  ), best AS MATERIALIZED (SELECT * FROM ranked UNION ALL SELECT * FROM rest),
  left_behind AS MATERIALIZED (
    SELECT x.ctid AS tid FROM ${t.table} x
     WHERE x.geom && (SELECT ST_Extent(geom)::geometry FROM area WHERE id = ANY($2::bigint[]))
       AND x.grid_id = ANY($2::bigint[]) AND ${open}
       -- NOT IN (a hashed subplan), not NOT EXISTS: best's few-rows estimate made that a nested
       -- loop comparing every pair (6.7k × 6.7k rows, 4.4 s; bench/areas-publish.bench.ts)
       AND x.ctid NOT IN (SELECT tid FROM best)
  )`;
};

export interface LockedVersion {
  status: string;
  level: string;
  source: DraftSource | null;
}

@Injectable()
export class AreaPublishRepository {
  async lockVersion(tx: EntityManager, id: number): Promise<LockedVersion | undefined> {
    return sqlRow<Pick<AreaVersionEntity, 'status' | 'level'> & { source: DraftSource | null }>(tx, `SELECT status, level, source FROM area_version WHERE id = $1 FOR UPDATE`, [id]);
  }

  /** Whether a caller with this jurisdiction (null: everywhere, always true) sees any area of the version. */
  async versionHasAreasIn(db: EntityManager, id: number, scope: string | null): Promise<boolean> {
    if (scope === null) return true;
    return (await sqlRow<{ one: number }>(db, `SELECT 1 AS one FROM area WHERE version_id = $1 AND ${inScope('path', '$2')} LIMIT 1`, [id, scope])) !== undefined;
  }

  /**
   * Publishing plans are small statements on big tables: their cost estimates pass
   * jit_above_cost and PostgreSQL spent seconds compiling them (bench/areas-publish.bench.ts).
   */
  async withoutJit(tx: EntityManager): Promise<void> {
    await sqlRun(tx, `SET LOCAL jit = off`);
  }

  /**
   * Publish draft `versionId`'s areas, in one statement: the current rows it leaves as they were
   * stay open and its copies of them are dropped (CHANGE_SET `kept`: their records keep their grid,
   * nothing to re-attribute, and the version holds only what it changes); the other rows it
   * replaces close (valid_to = transaction time; geometry never changes); its other rows open; the
   * version is marked published. Also where the change is news: the deepest area that holds all
   * the draft's rows, kept ones included (a community whose grids are redrawn), so every screen
   * whose jurisdiction covers it hears of it (roots: null, whole-territory screens only).
   * The four writes touch disjoint rows.
   */
  async publishAreas(tx: EntityManager, versionId: number, by: string, gapsAcknowledged: boolean): Promise<{ areaPath: string | null; kept: number[]; closed: number[]; opened: number[]; publishedAt: string }> {
    const row = await sqlRow<{ areaPath: string | null; kept: number[]; closed: number[]; opened: number[]; publishedAt: NonNullable<AreaVersionEntity['published_at']> }>(
      tx,
      `WITH ${CHANGE_SET},
       scope AS (SELECT nullif(lca(array_agg(path))::text, '') AS p FROM area WHERE version_id = $1),
       dropped AS (DELETE FROM area d WHERE d.id = ANY(ARRAY(SELECT did FROM kept)) RETURNING d.id),
       closed AS (UPDATE area SET valid_to = now() WHERE id = ANY(ARRAY(SELECT id FROM rep WHERE id NOT IN (SELECT cid FROM kept))) RETURNING id),
       opened AS (UPDATE area SET valid_from = now() WHERE version_id = $1 AND id NOT IN (SELECT did FROM kept) RETURNING id),
       v AS (UPDATE area_version SET status = 'published', published_at = now(), published_by = $2, gaps_acknowledged = $3 WHERE id = $1 RETURNING published_at)
       SELECT (SELECT p FROM scope) AS "areaPath",
              (SELECT coalesce(array_agg(cid::int ORDER BY cid), '{}') FROM kept) AS kept,
              (SELECT coalesce(array_agg(id::int ORDER BY id), '{}') FROM closed) AS closed,
              (SELECT coalesce(array_agg(id::int ORDER BY id), '{}') FROM opened) AS opened,
              (SELECT published_at FROM v) AS "publishedAt"`,
      [versionId, by, gapsAcknowledged],
    );
    if (!row) throw new Error(`publishAreas: no answer for version ${versionId}`);
    return { ...row, publishedAt: new Date(row.publishedAt).toISOString() };
  }

  /**
   * Re-attribute one registered table after publishAreas, only where something changed
   * (REATTRIBUTION: the rows lying in the opened or closed areas): each gets its new grid, and the
   * rows left pointing at a closed area lose theirs, in one statement (two writes on disjoint rows:
   * clearing first rewrote every moved row twice). Rows in kept or untouched areas are not read.
   * Returns the rows given a new grid.
   */
  async reattribute(tx: EntityManager, t: AttributedTable, opened: number[], closed: number[]): Promise<number> {
    const row = await sqlRow<{ n: number }>(
      tx,
      `WITH ${REATTRIBUTION(t)},
       u AS (
         UPDATE ${t.table} x SET grid_id = best.id, grid_code = best.code, area_path = best.path
           FROM best WHERE x.ctid = best.tid AND best.old_id IS DISTINCT FROM best.id
         RETURNING 1),
       cleared AS (
         UPDATE ${t.table} x SET grid_id = NULL, grid_code = NULL, area_path = NULL
           FROM left_behind lb WHERE x.ctid = lb.tid
         RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [opened, closed],
    );
    return row?.n ?? 0;
  }
}
