import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sqlChanged, sqlRow, sqlRun } from '../../core/database/sql';
import type { AreaLevel } from '@gc/contracts';
import { ATTRIBUTABLE } from '../areas/micro-grids';

/** 1e-7° ≈ 1 cm: every boundary is computed with snap-rounding on this grid, so neighbours share vertices exactly. */
const GRID_SIZE = 1e-7;
/**
 * Longest edge (degrees, ≈ 200 m) of a stored boundary. The topology check measures areas on the
 * sphere (::geography), where an edge is a great-circle arc: a 9 km straight parent edge and the same
 * line cut by a child's vertices differ by ~0.7 m in the middle, and that (planar-empty) sliver
 * "measures" thousands of m². With short edges the arc and the chord agree to well under 1 m².
 */
const MAX_EDGE_DEG = 0.002;

export interface ChildSpec {
  code: string;
  name: string;
  parent: string;
  properties?: Record<string, unknown>;
}

/**
 * The SQL that draws the demo territory. Real district boundaries go in as they are
 * (made valid, made disjoint); the levels below have no public boundaries, so each is
 * generated inside its parent in one statement: random points in the parent, k-means to
 * k centres (k = number of official children), Voronoi cells of the centres clipped to
 * the parent. Voronoi cells tile the plane, so the clipped cells tile the parent.
 */
@Injectable()
export class DemoTerritoryRepository {
  async isEmpty(db: EntityManager): Promise<boolean> {
    const row = await sqlRow<{ empty: boolean }>(db, `SELECT NOT EXISTS (SELECT 1 FROM area) AS empty`);
    return row!.empty;
  }

  async createVersion(db: EntityManager, level: AreaLevel, label: string): Promise<number> {
    const row = await sqlRow<{ id: number }>(
      db,
      `INSERT INTO area_version (level, status, label, source, created_by)
       VALUES ($1, 'draft', $2, '{"demo": true, "generator": "demo"}'::jsonb, 'demo') RETURNING id::int`,
      [level, label],
    );
    return row!.id;
  }

  /**
   * The real districts, made valid and disjoint (a district loses what an earlier code
   * already covers, so shared borders cannot overlap), and the city as their union.
   */
  async insertCityAndDistricts(db: EntityManager, city: { code: string; name: string; versionId: number }, districtVersionId: number, districts: { code: string; name: string; geometry: unknown }[]): Promise<void> {
    await sqlRun(
      db,
      `WITH src AS (
         SELECT d->>'code' AS code, d->>'name' AS name,
                ST_ReducePrecision(ST_Segmentize(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(d->>'geometry'), 4326)), $5), $4) AS g
           FROM jsonb_array_elements($1::jsonb) d
       ), disjoint AS (
         SELECT s.code, s.name,
                ST_Multi(ST_CollectionExtract(coalesce(ST_Difference(s.g, (SELECT ST_Union(o.g) FROM src o WHERE o.code < s.code), $4), s.g), 3)) AS g
           FROM src s
       )
       INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, properties)
       SELECT $2, code, name, 'district', $3, text2ltree($3 || '.' || code), g, ST_Area(g::geography),
              '{"source": "DataV.GeoAtlas (GCJ-02 converted to WGS-84)", "demo": true}'::jsonb
         FROM disjoint`,
      [JSON.stringify(districts), districtVersionId, city.code, GRID_SIZE, MAX_EDGE_DEG],
    );
    await sqlRun(
      db,
      `WITH u AS (SELECT ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(geom), $5), 3)) AS g FROM area WHERE version_id = $1)
       INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, properties)
       SELECT $2, $3, $4, 'city', NULL, text2ltree($3), g, ST_Area(g::geography),
              '{"note": "demo city: the union of the six districts the source documents name", "demo": true}'::jsonb
         FROM u`,
      [districtVersionId, city.versionId, city.code, city.name, GRID_SIZE],
    );
  }

  /**
   * Generate `children` inside their parents (areas of `parentVersionId`), one statement for
   * the whole level. Children of one parent are matched to the Voronoi cells in reading
   * order (north to south, then west to east) so that neighbouring codes are neighbours.
   */
  async generateChildren(db: EntityManager, parentVersionId: number, versionId: number, level: AreaLevel, children: ChildSpec[], seed: number): Promise<number> {
    const n = await sqlChanged(
      db,
      `WITH kids AS (
         SELECT k->>'code' AS code, k->>'name' AS name, k->>'parent' AS parent,
                coalesce(k->'properties', '{}'::jsonb) AS props,
                row_number() OVER (PARTITION BY k->>'parent' ORDER BY k->>'code') AS ord
           FROM jsonb_array_elements($1::jsonb) k
       ), parents AS (
         SELECT a.code, a.path, a.geom, (SELECT count(*) FROM kids WHERE kids.parent = a.code)::int AS n
           FROM area a WHERE a.version_id = $2 AND EXISTS (SELECT 1 FROM kids WHERE kids.parent = a.code)
       ), pts AS (
         SELECT p.code, p.n, (ST_Dump(ST_GeneratePoints(p.geom, p.n * 30, $5::int))).geom AS pt FROM parents p WHERE p.n > 1
       ), clustered AS (
         SELECT code, pt, ST_ClusterKMeans(pt, n) OVER (PARTITION BY code) AS cid FROM pts
       ), centres AS (
         SELECT code, ST_Centroid(ST_Collect(pt)) AS c FROM clustered GROUP BY code, cid
       ), ranked AS (
         SELECT code, c, row_number() OVER (PARTITION BY code ORDER BY round(ST_Y(c)::numeric, 3) DESC, ST_X(c)) AS ord FROM centres
       ), cells AS (
         SELECT p.code, (ST_Dump(ST_VoronoiPolygons(ST_Collect(r.c), 0, ST_Expand(p.geom, 0.05)))).geom AS cell
           FROM parents p JOIN ranked r USING (code) GROUP BY p.code, p.geom
       ), shaped AS (
         SELECT r.code AS parent, r.ord, ST_Intersection(ST_Segmentize(cl.cell, $6), p.geom) AS g
           FROM ranked r JOIN cells cl ON cl.code = r.code AND ST_Intersects(cl.cell, r.c) JOIN parents p ON p.code = r.code
         UNION ALL
         SELECT p.code, 1, p.geom FROM parents p WHERE p.n = 1
       ), fixed AS (
         SELECT DISTINCT ON (parent, ord) parent, ord, ST_Multi(ST_CollectionExtract(g, 3)) AS g FROM shaped ORDER BY parent, ord
       )
       INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, generated, properties)
       SELECT $3, k.code, k.name, $4, k.parent, p.path || text2ltree(k.code), f.g, ST_Area(f.g::geography), true,
              k.props || '{"note": "generated", "demo": true}'::jsonb
         FROM kids k JOIN parents p ON p.code = k.parent JOIN fixed f ON f.parent = k.parent AND f.ord = k.ord
        WHERE NOT ST_IsEmpty(f.g)`,
      [JSON.stringify(children), parentVersionId, versionId, level, seed, MAX_EDGE_DEG],
    );
    await this.mergeStrayParts(db, versionId);
    return n;
  }

  /**
   * Clipping a Voronoi cell by a concave parent can leave a child in several pieces. Every piece
   * but a child's largest goes to the sibling that shares the longest border with it (pieces that
   * touch no sibling, e.g. in an exclave of the parent, stay where they are). One statement.
   */
  async mergeStrayParts(db: EntityManager, versionId: number): Promise<void> {
    await sqlRun(
      db,
      `WITH parts AS (
         SELECT a.id, a.parent_code, d.path[1] AS n, d.geom,
                row_number() OVER (PARTITION BY a.id ORDER BY ST_Area(d.geom) DESC) AS rk
           FROM area a, LATERAL ST_Dump(a.geom) d
          WHERE a.version_id = $1 AND ST_NumGeometries(a.geom) > 1
       ), moves AS (
         SELECT DISTINCT ON (s.id, s.n) s.id AS from_id, s.n, b.id AS to_id
           FROM parts s JOIN area b ON b.version_id = $1 AND b.parent_code = s.parent_code AND b.id <> s.id
                                     AND b.geom && ST_Expand(s.geom, $2) AND ST_DWithin(b.geom, s.geom, $2)
          WHERE s.rk > 1
          ORDER BY s.id, s.n, ST_Length(ST_Intersection(ST_Boundary(s.geom), ST_Buffer(b.geom, $2))) DESC
       ), touched AS (
         SELECT from_id AS id FROM moves UNION SELECT to_id FROM moves
       ), pieces AS (
         SELECT coalesce(m.to_id, a.id) AS id, d.geom
           FROM area a JOIN touched t ON t.id = a.id
          CROSS JOIN LATERAL ST_Dump(a.geom) d
           LEFT JOIN moves m ON m.from_id = a.id AND m.n = d.path[1]
       ), merged AS (
         SELECT id, ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(geom)), 3)) AS g FROM pieces GROUP BY id
       )
       UPDATE area a SET geom = merged.g, area_m2 = ST_Area(merged.g::geography)
         FROM merged WHERE a.id = merged.id AND a.version_id = $1`,
      [versionId, GRID_SIZE * 10],
    );
  }

  /**
   * Micro-grids (微网格) for the `limit` grids under `underCode` with the most compounds (at least two):
   * one per compound, the Voronoi cell of its point clipped to the grid (so they tile the grid), coded
   * grid code + 2 digits (north to south, then west to east) and named after the compound. Needs the
   * places (run after the population). One statement, then the stray pieces merged as for every level.
   */
  async generateMicroGrids(db: EntityManager, versionId: number, underCode: string, limit: number): Promise<number> {
    const n = await sqlChanged(
      db,
      `WITH g AS (
         SELECT a.id, a.code, a.path, a.geom FROM area a
                CROSS JOIN LATERAL (SELECT count(*) AS n FROM place p WHERE p.grid_id = a.id AND p.kind = 'compound') k
          WHERE a.level = 'grid' AND a.valid_from IS NOT NULL AND a.valid_to IS NULL
            AND a.path <@ (SELECT s.path FROM area s WHERE s.code = $2 AND s.valid_from IS NOT NULL AND s.valid_to IS NULL)
            AND k.n >= 2
          ORDER BY k.n DESC, a.code LIMIT $3
       ), seeds AS (
         SELECT DISTINCT ON (g.code, ST_SnapToGrid(p.geom, 1e-6)) g.code AS grid, p.name, p.geom AS pt
           FROM g JOIN place p ON p.grid_id = g.id AND p.kind = 'compound'
          ORDER BY g.code, ST_SnapToGrid(p.geom, 1e-6), p.id
       ), ranked AS (
         SELECT grid, name, pt, row_number() OVER (PARTITION BY grid ORDER BY round(ST_Y(pt)::numeric, 4) DESC, ST_X(pt)) AS ord FROM seeds
       ), cells AS (
         SELECT g.code AS grid, (ST_Dump(ST_VoronoiPolygons(ST_Collect(r.pt), 0, ST_Expand(g.geom, 0.01)))).geom AS cell
           FROM g JOIN ranked r ON r.grid = g.code GROUP BY g.code, g.geom
       ), shaped AS (
         SELECT DISTINCT ON (r.grid, r.ord) r.grid, r.ord, r.name, ST_Multi(ST_CollectionExtract(ST_Intersection(ST_Segmentize(c.cell, $4), g.geom), 3)) AS geom
           FROM ranked r JOIN cells c ON c.grid = r.grid AND ST_Intersects(c.cell, r.pt) JOIN g ON g.code = r.grid
          ORDER BY r.grid, r.ord
       )
       INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, generated, properties)
       SELECT $1, s.grid || lpad(s.ord::text, 2, '0'), s.name || '微网格', 'microgrid', s.grid, g.path || text2ltree(s.grid || lpad(s.ord::text, 2, '0')),
              s.geom, ST_Area(s.geom::geography), true, '{"note": "generated: one compound each", "demo": true}'::jsonb
         FROM shaped s JOIN g ON g.code = s.grid
        WHERE NOT ST_IsEmpty(s.geom)`,
      [versionId, underCode, limit, MAX_EDGE_DEG],
    );
    await this.mergeStrayParts(db, versionId);
    return n;
  }

  /**
   * ST_Subdivide pieces (≤ 64 vertices) for fast point lookups (none for micro-grids: they carry no
   * records, see areas/micro-grids.ts); then every level goes live at once.
   */
  async publish(db: EntityManager, versionIds: number[]): Promise<void> {
    await sqlRun(
      db,
      `INSERT INTO area_part (area_id, geom)
       SELECT a.id, d.geom FROM area a, LATERAL ST_Subdivide(a.geom, 64) AS s(part), LATERAL ST_Dump(s.part) d
        WHERE a.version_id = ANY($1::bigint[]) AND GeometryType(d.geom) = 'POLYGON' AND a.${ATTRIBUTABLE}`,
      [versionIds],
    );
    await sqlRun(db, `UPDATE area SET valid_from = now() WHERE version_id = ANY($1::bigint[])`, [versionIds]);
    await sqlRun(db, `UPDATE area_version SET status = 'published', published_at = now(), published_by = 'demo', gaps_acknowledged = false WHERE id = ANY($1::bigint[])`, [versionIds]);
  }
}
