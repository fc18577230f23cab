import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { inScope } from '../auth/scope';
import type { AttributedTable } from './attributed-tables';

@Injectable()
export class AreaPublishRepository {
  async lockVersion(tx: EntityManager, id: number): Promise<{ status: string; level: string } | undefined> {
    const [row] = await tx.query(`SELECT status, level FROM area_version WHERE id = $1 FOR UPDATE`, [id]);
    return row;
  }

  /** Whether a caller with this jurisdiction (null: everywhere, always true) sees any area of the version. */
  async versionHasAreasIn(db: EntityManager, id: number, scope: string | null): Promise<boolean> {
    if (scope === null) return true;
    const rows = await db.query(`SELECT 1 FROM area WHERE version_id = $1 AND ${inScope('path', '$2')} LIMIT 1`, [id, scope]);
    return rows.length > 0;
  }

  /**
   * Close the current rows the draft replaces: same level and code, or same level under a
   * parent the draft redraws (a redraw of a street's grids replaces all of that street's grids,
   * including codes that disappear). valid_to = transaction time; geometry never changes.
   */
  async closeReplaced(tx: EntityManager, versionId: number): Promise<number[]> {
    // Two joins, not `EXISTS … OR EXISTS …`: the OR kept the planner from a semi-join and made it
    // scan the draft once per current row (quadratic: minutes at 100k cells; bench/areas-publish.bench.ts).
    const rows: { id: number }[] = await tx.query(
      `WITH d AS (SELECT DISTINCT code, level, parent_code FROM area WHERE version_id = $1),
       target AS (
         SELECT c.id FROM area c JOIN d ON d.code = c.code AND d.level = c.level
          WHERE c.valid_from IS NOT NULL AND c.valid_to IS NULL AND c.version_id <> $1
         UNION
         SELECT c.id FROM area c JOIN (SELECT DISTINCT parent_code, level FROM d WHERE parent_code IS NOT NULL) dp
                                   ON dp.parent_code = c.parent_code AND dp.level = c.level
          WHERE c.valid_from IS NOT NULL AND c.valid_to IS NULL AND c.version_id <> $1),
       closed AS (
         UPDATE area c SET valid_to = now() FROM target WHERE c.id = target.id
          RETURNING c.id::int AS id)
       SELECT id FROM closed`,
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
    const [row] = await tx.query(`SELECT nullif(lca(array_agg(path))::text, '') AS p FROM area WHERE version_id = $1`, [versionId]);
    return row?.p ?? null;
  }

  async activate(tx: EntityManager, versionId: number, by: string, gapsAcknowledged: boolean): Promise<{ added: number; publishedAt: string }> {
    const [{ n }] = await tx.query(
      `WITH u AS (UPDATE area SET valid_from = now() WHERE version_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM u`,
      [versionId],
    );
    const [v] = await tx.query(
      `WITH u AS (UPDATE area_version SET status = 'published', published_at = now(), published_by = $2, gaps_acknowledged = $3
                   WHERE id = $1 RETURNING published_at)
       SELECT published_at AS "publishedAt" FROM u`,
      [versionId, by, gapsAcknowledged],
    );
    return { added: n, publishedAt: new Date(v.publishedAt).toISOString() };
  }

  /**
   * Re-attribute one registered table, polygon-driven: the GiST join runs from the current
   * subdivided area pieces inside the changed extent (new rows and the rows they close) to the
   * table's points, keeping the deepest area per point (ties on a border: lowest code, as in
   * locate). Rows that pointed at a closed area and now lie outside every area lose their grid.
   * `t.table` and `t.openOnly` come from code (registerAttributedTable), never from a request.
   */
  async reattribute(tx: EntityManager, t: AttributedTable, versionId: number, closedIds: number[]): Promise<number> {
    const open = t.openOnly ? `(${t.openOnly})` : 'true';
    const [{ n }] = await tx.query(
      `WITH ext AS (
         SELECT ST_Extent(geom)::geometry AS e FROM area WHERE version_id = $1 OR id = ANY($2::bigint[])
       ), best AS (
         SELECT DISTINCT ON (r.tid) r.tid, a.id, a.code, a.path
           FROM ext
           JOIN area_part p ON p.geom && ext.e
           JOIN area a ON a.id = p.area_id AND a.valid_from IS NOT NULL AND a.valid_to IS NULL
           -- only points inside the changed extent: a big area's piece (a city's) reaches far beyond
           -- it, and a point out there would otherwise be matched by that piece alone and lose its grid
           JOIN (SELECT ctid AS tid, geom FROM ${t.table} WHERE ${open}) r ON r.geom && ext.e AND r.geom && p.geom AND ST_Covers(p.geom, r.geom)
          ORDER BY r.tid, nlevel(a.path) DESC, a.code
       ), u AS (
         UPDATE ${t.table} x SET grid_id = best.id, grid_code = best.code, area_path = best.path
           FROM best WHERE x.ctid = best.tid AND x.grid_id IS DISTINCT FROM best.id
         RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [versionId, closedIds],
    );
    // After the new grids are set (not before: clearing first rewrote every moved row twice),
    // only rows still pointing at a closed area are left, and they lie outside every area.
    await tx.query(
      `UPDATE ${t.table} SET grid_id = NULL, grid_code = NULL, area_path = NULL
        WHERE grid_id = ANY($1::bigint[]) AND ${open}`,
      [closedIds],
    );
    return n;
  }
}
