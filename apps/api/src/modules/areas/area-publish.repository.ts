import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { inScope } from '../auth/scope';
import type { AttributedTable } from './attributed-tables';
import { sqlRows, sqlRun } from '../../core/database/sql';
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

/**
 * The ids of the current rows a draft (`$1`) replaces when published: same level and code, or same
 * level under a parent the draft redraws (a redraw of a street's grids replaces all of that
 * street's grids, including codes that disappear). Two joins, not `EXISTS … OR EXISTS …`: the OR
 * kept the planner from a semi-join and made it scan the draft once per current row (quadratic:
 * minutes at 100k cells; bench/areas-publish.bench.ts).
 */
export const REPLACED_IDS = `WITH d AS (SELECT DISTINCT code, level, parent_code FROM area WHERE version_id = $1)
  SELECT c.id::int AS id FROM area c JOIN d ON d.code = c.code AND d.level = c.level
   WHERE c.valid_from IS NOT NULL AND c.valid_to IS NULL AND c.version_id <> $1
  UNION
  SELECT c.id::int FROM area c JOIN (SELECT DISTINCT parent_code, level FROM d WHERE parent_code IS NOT NULL) dp
                            ON dp.parent_code = c.parent_code AND dp.level = c.level
   WHERE c.valid_from IS NOT NULL AND c.valid_to IS NULL AND c.version_id <> $1`;

/**
 * The grid each row of one registered table gets when areas change, for the rows lying in the
 * changed areas only (rows elsewhere keep theirs): the deepest covering area that holds afterwards,
 * ties to the lowest code, as locate decides. Publishing writes it; the impact preview counts it
 * before publishing, so both use this one text. `chg`: a CTE of the changed areas' (id, path), the
 * ones that open and the ones that close; `live(a)`: the areas that hold afterwards.
 * Candidates: the rows a changed piece covers. Their rivals: the live areas at least as deep as
 * the changed ones whose pieces meet a changed piece (the opened areas, their neighbours, kept ones
 * on a shared border, areas inside them): any covering area that could win is among them, so one
 * join against those few polygons decides (instead of one index probe of every area piece per
 * row). A candidate no rival covers (a closed area left as a gap) is looked up among all live areas.
 * Gives the CTE `best (tid, old_id, old_code, id, code, path)`; `t` comes from code, never a request.
 */
export const REATTRIBUTION = (t: AttributedTable, chg: string, live: (a: string) => string) => `chgparts AS MATERIALIZED (
    SELECT p.geom FROM ${chg} JOIN area_part p ON p.area_id = ${chg}.id
  ), cand AS MATERIALIZED (
    SELECT DISTINCT ON (x.ctid) x.ctid AS tid, x.geom, x.grid_id AS old_id, x.grid_code AS old_code
      FROM chgparts ch JOIN ${t.table} x ON x.geom && ch.geom AND ST_Covers(ch.geom, x.geom)
     WHERE ${t.openOnly ? `(${t.openOnly})` : 'true'}
  ), rivals AS MATERIALIZED (
    SELECT DISTINCT r.id, r.code, r.path, rp.geom
      FROM chgparts ch JOIN area_part rp ON rp.geom && ch.geom
      JOIN area r ON r.id = rp.area_id AND ${live('r')}
     WHERE nlevel(r.path) >= (SELECT min(nlevel(path)) FROM ${chg})
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
  ), best AS (SELECT * FROM ranked UNION ALL SELECT * FROM rest)`;

@Injectable()
export class AreaPublishRepository {
  async lockVersion(tx: EntityManager, id: number): Promise<{ status: string; level: string } | undefined> {
    const [row] = await sqlRows<Pick<AreaVersionEntity, 'status' | 'level'>>(tx, `SELECT status, level FROM area_version WHERE id = $1 FOR UPDATE`, [id]);
    return row;
  }

  /** Whether a caller with this jurisdiction (null: everywhere, always true) sees any area of the version. */
  async versionHasAreasIn(db: EntityManager, id: number, scope: string | null): Promise<boolean> {
    if (scope === null) return true;
    const rows = await sqlRows(db, `SELECT 1 FROM area WHERE version_id = $1 AND ${inScope('path', '$2')} LIMIT 1`, [id, scope]);
    return rows.length > 0;
  }

  /**
   * Close the current rows the draft replaces: same level and code, or same level under a
   * parent the draft redraws (a redraw of a street's grids replaces all of that street's grids,
   * including codes that disappear). valid_to = transaction time; geometry never changes.
   */
  async closeReplaced(tx: EntityManager, versionId: number, keptIds: number[] = []): Promise<number[]> {
    const target = await sqlRows<{ id: number }>(tx, REPLACED_IDS, [versionId]);
    const kept = new Set(keptIds);
    const ids = target.map((r) => r.id).filter((id) => !kept.has(id));
    // by id, in a statement of its own: joined to the target list, the planner expected thousands
    // of rows under one parent and scanned the whole area table (110 ms at 100k cells)
    const rows = await sqlRows<{ id: number }>(tx, `WITH u AS (UPDATE area SET valid_to = now() WHERE id = ANY($1::bigint[]) RETURNING id) SELECT id::int AS id FROM u`, [ids]);
    return rows.map((r) => r.id);
  }

  /**
   * Publishing plans are small statements on big tables: their cost estimates pass
   * jit_above_cost and PostgreSQL spent seconds compiling them (bench/areas-publish.bench.ts).
   */
  async withoutJit(tx: EntityManager): Promise<void> {
    await sqlRun(tx, `SET LOCAL jit = off`);
  }

  /**
   * Draft rows that leave a current row as it was (SAME_AREA: same code, level, parent, path and
   * name, and the same area). The current row stays open (its records keep their grid, nothing to
   * re-attribute) and the draft's copy is dropped, so the version holds only what it changes.
   * Returns the kept ids.
   */
  async keepUnchanged(tx: EntityManager, versionId: number): Promise<number[]> {
    const rows = await sqlRows<{ id: number }>(
      tx,
      `WITH same AS (
         SELECT d.id AS draft_id, c.id AS current_id
           FROM area d JOIN area c ON c.code = d.code AND c.level = d.level AND c.valid_from IS NOT NULL AND c.valid_to IS NULL AND c.version_id <> $1
          WHERE d.version_id = $1 AND ${SAME_AREA('d', 'c')}),
       dropped AS (DELETE FROM area d USING same WHERE d.id = same.draft_id RETURNING same.current_id)
       SELECT current_id::int AS id FROM dropped`,
      [versionId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Where a version's change is news: the deepest area that holds all its rows (a community whose
   * grids are redrawn), so every screen whose jurisdiction covers that area hears of it. Roots: null
   * (whole-territory screens only).
   */
  async changeScope(tx: EntityManager, versionId: number): Promise<string | null> {
    const [row] = await sqlRows<{ p: string | null }>(tx, `SELECT nullif(lca(array_agg(path))::text, '') AS p FROM area WHERE version_id = $1`, [versionId]);
    return row?.p ?? null;
  }

  async activate(tx: EntityManager, versionId: number, by: string, gapsAcknowledged: boolean): Promise<{ added: number; publishedAt: string }> {
    const [{ n }] = await sqlRows<{ n: number }>(tx, `WITH u AS (UPDATE area SET valid_from = now() WHERE version_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM u`, [versionId]);
    const [v] = await sqlRows<{ publishedAt: NonNullable<AreaVersionEntity['published_at']> }>(
      tx,
      `WITH u AS (UPDATE area_version SET status = 'published', published_at = now(), published_by = $2, gaps_acknowledged = $3
                   WHERE id = $1 RETURNING published_at)
       SELECT published_at AS "publishedAt" FROM u`,
      [versionId, by, gapsAcknowledged],
    );
    return { added: n, publishedAt: new Date(v.publishedAt).toISOString() };
  }

  /**
   * Re-attribute one registered table, only where something changed: the rows lying in the
   * areas the version opens or closes (REATTRIBUTION: each gets the grid locate's rule gives among
   * the current areas), then the rows left pointing at a closed area (outside every area now) lose
   * their grid. Rows in kept or untouched areas are not read or rewritten.
   * `t.table` and `t.openOnly` come from code (registerAttributedTable), never from a request.
   */
  async reattribute(tx: EntityManager, t: AttributedTable, versionId: number, closedIds: number[]): Promise<number> {
    const open = t.openOnly ? `(${t.openOnly})` : 'true';
    const [{ n }] = await sqlRows<{ n: number }>(
      tx,
      `WITH chg AS (
         SELECT id, path FROM area WHERE version_id = $1
         UNION ALL
         SELECT id, path FROM area WHERE id = ANY($2::bigint[])
       ), ${REATTRIBUTION(t, 'chg', (a) => `${a}.valid_from IS NOT NULL AND ${a}.valid_to IS NULL`)},
       u AS (
         UPDATE ${t.table} x SET grid_id = best.id, grid_code = best.code, area_path = best.path
           FROM best WHERE x.ctid = best.tid AND best.old_id IS DISTINCT FROM best.id
         RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [versionId, closedIds],
    );
    if (closedIds.length === 0) return n;
    // After the new grids are set (not before: clearing first rewrote every moved row twice),
    // only rows still pointing at a closed area are left, and they lie outside every area. They
    // lie inside the closed areas' extent, so the geometry index finds them (no grid_id index needed).
    await sqlRun(
      tx,
      `UPDATE ${t.table} SET grid_id = NULL, grid_code = NULL, area_path = NULL
        WHERE geom && (SELECT ST_Extent(geom)::geometry FROM area WHERE id = ANY($1::bigint[]))
          AND grid_id = ANY($1::bigint[]) AND ${open}`,
      [closedIds],
    );
    return n;
  }
}
