import { Injectable } from '@nestjs/common';
import type { HotspotCell } from '@gc/contracts';
import { sqlRows, type SqlDb } from '../../core/database/sql';
import { inScope } from '../auth/scope';

/**
 * Getis–Ord Gi* over today's grid cells in the viewer's scope ($1): x = cases reported in the
 * period ($3..$4, Shanghai days; category or category group $5; department staff $2: their cases)
 * whose point lies in the cell; binary weights, a cell's neighbours are the cells it touches and
 * itself. Gi* = (Σw·x − x̄·W) / (S·√((n·W − W²)/(n − 1))) with W = Σw = Σw² for 0/1 weights.
 * A cell is hot when its neighbourhood holds far more than the mean, so one big grid alone is not enough.
 */
const HOTSPOT_SQL = `
  WITH cells AS (
    SELECT a.id, a.code, a.name, a.path, a.geom FROM area a
     WHERE a.level = 'grid' AND a.valid_from IS NOT NULL AND a.valid_to IS NULL AND ${inScope('a.path', '$1')}),
  cnt AS (
    SELECT p.area_id AS id, count(*) AS n
      FROM sv_case c JOIN event e ON e.id = c.event_id
      JOIN area_part p ON p.geom && e.geom AND ST_Covers(p.geom, e.geom)
     WHERE c.day BETWEEN $3::date AND $4::date
       AND p.area_id IN (SELECT id FROM cells)
       AND ($5::text IS NULL OR c.category = $5 OR c.category IN (SELECT code FROM event_category WHERE parent_code = $5))
       AND ($2::int IS NULL OR c.department_id = $2 OR c.summons @> jsonb_build_array(jsonb_build_object('d', $2::int)))
     GROUP BY p.area_id),
  x AS (SELECT cells.*, coalesce(cnt.n, 0)::float8 AS n FROM cells LEFT JOIN cnt USING (id)),
  stats AS (SELECT count(*)::float8 AS big_n, avg(n) AS mean, sqrt(greatest(avg(n * n) - avg(n) ^ 2, 0)) AS s FROM x),
  nb AS (SELECT a.id, sum(b.n) AS wx, count(*)::float8 AS w FROM x a JOIN x b ON a.geom && b.geom AND ST_Intersects(a.geom, b.geom) GROUP BY a.id)
  SELECT x.code, x.name, x.path::text AS path, x.n::int AS count,
         CASE WHEN stats.s > 0 AND stats.big_n > 1 AND stats.big_n * nb.w - nb.w * nb.w > 0
              THEN round(((nb.wx - stats.mean * nb.w) / (stats.s * sqrt((stats.big_n * nb.w - nb.w * nb.w) / (stats.big_n - 1))))::numeric, 3)::float8 END AS z,
         ST_AsGeoJSON(ST_SimplifyPreserveTopology(x.geom, 0.00005), 6)::json AS geometry
    FROM x JOIN nb USING (id) CROSS JOIN stats
   ORDER BY z DESC NULLS LAST, x.code`;

@Injectable()
export class HotspotsRepository {
  async cells(db: SqlDb, scopePath: string | null, departmentId: number | null, from: string, to: string, category: string | null): Promise<Omit<HotspotCell, 'hot'>[]> {
    return sqlRows<Omit<HotspotCell, 'hot'>>(db, HOTSPOT_SQL, [scopePath, departmentId, from, to, category]);
  }
}
