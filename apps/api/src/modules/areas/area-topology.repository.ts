import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TopologyReport } from '@gc/contracts';
import { inScope } from '../auth/scope';
import { sqlRows } from '../../core/database/sql';

/** Pieces below this many m² are digitising noise, not a real overlap or gap (they show up as slivers). */
export const NOISE_M2 = 1;
/**
 * The parts of a gap, or of a piece outside the parent, narrower than this (m) are rounding, not a
 * hole in the tiling: the studio keeps coordinates on a 1e-7° grid (about 1 cm) while a surveyed
 * parent has more decimals, and a child's vertex a few millimetres off a long parent edge leaves a
 * planar sliver that measures tens or hundreds of m² on the spheroid (the geodesic between the
 * edge's ends bows away from the shorter edges that follow it). Such parts are cut off (a real
 * gap keeps its shape and area; a thin tail along the parent's edge is not added to it).
 */
export const GAP_MIN_WIDTH_M = 0.05;
/** Metres per degree of latitude (a degree of longitude is shorter: east–west the width cut off is a little smaller, never larger). */
const M_PER_DEG = 111320;
/** The pieces of `g` left after cutting off every part narrower than GAP_MIN_WIDTH_M (a morphological opening; mitred, so corners stay square). */
const opened = (g: string) => {
  const r = GAP_MIN_WIDTH_M / 2 / M_PER_DEG;
  return `(ST_Dump(ST_Buffer(ST_Buffer(${g}, ${-r}, 'join=mitre'), ${r}, 'join=mitre'))).geom`;
};

/** A polygon part smaller than this (m²) is a sliver. */
export const SLIVER_M2 = 100;

const feature = (geom: string, props: string) => `jsonb_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(${geom}, 7)::jsonb, 'properties', ${props})`;
const collection = (rows: string) => `jsonb_build_object('type', 'FeatureCollection', 'features', coalesce((${rows}), '[]'::jsonb))`;

@Injectable()
export class AreaTopologyRepository {
  /**
   * Every check of a draft in ONE statement inside PostGIS. Areas in m² via geography.
   * Siblings share a parent code (roots are siblings of each other). A parent is the draft's
   * own row with that code, else the current one. Overlap = interiors intersect ('2********').
   * `scope` (the caller's jurisdiction, null: everywhere): only areas under it are checked and
   * shown, and gaps only of parents under it, so nothing outside is revealed.
   */
  async check(db: EntityManager, versionId: number, scope: string | null = null): Promise<Omit<TopologyReport, 'summary' | 'versionId'>> {
    const [row] = await sqlRows<Omit<TopologyReport, 'summary' | 'versionId'>>(
      db,
      `WITH d AS (SELECT id, code, parent_code, geom FROM area WHERE version_id = $1 AND ${inScope('path', '$2')}),
       -- Pairs come from the area table itself, not from d: a join of the materialised CTE with
       -- itself has no index and tests every pair (quadratic: minutes at 100k cells); here each
       -- row probes the GiST index for its neighbours (bench/areas-publish.bench.ts).
       ov AS (
         SELECT a.code AS a, b.code AS b, x.g, ST_Area(x.g::geography) AS m2
           FROM area a JOIN area b ON b.version_id = $1 AND a.id < b.id AND a.parent_code IS NOT DISTINCT FROM b.parent_code
                                  AND a.geom && b.geom AND ST_Relate(a.geom, b.geom, '2********')
          CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) AS g) x
          WHERE a.version_id = $1 AND ${inScope('a.path', '$2')} AND ${inScope('b.path', '$2')}
       ),
       par AS (
         SELECT DISTINCT ON (p.code) p.code, p.geom
           FROM area p
          WHERE p.code IN (SELECT parent_code FROM d WHERE parent_code IS NOT NULL)
            AND (p.version_id = $1 OR (p.valid_from IS NOT NULL AND p.valid_to IS NULL)) AND ${inScope('p.path', '$2')}
          ORDER BY p.code, (p.version_id = $1) DESC
       ),
       -- the pieces of a parent no child covers, and of a child outside its parent, less their
       -- parts narrower than GAP_MIN_WIDTH_M (only pieces of at least NOISE_M2 are looked at)
       gap AS (
         SELECT parent, ${opened('g')} AS g FROM (
           SELECT par.code AS parent, (ST_Dump(ST_Difference(par.geom, ST_Union(c.geom)))).geom AS g
             FROM par JOIN d c ON c.parent_code = par.code
            GROUP BY par.code, par.geom) raw
          WHERE ST_Area(g::geography) >= ${NOISE_M2}
       ),
       outside AS (
         SELECT code, parent, ${opened('g')} AS g FROM (
           SELECT c.code, par.code AS parent, (ST_Dump(ST_Difference(c.geom, par.geom))).geom AS g
             FROM d c JOIN par ON par.code = c.parent_code
            WHERE NOT ST_CoveredBy(c.geom, par.geom)) raw
          WHERE ST_Area(g::geography) >= ${NOISE_M2}
       ),
       parts AS (SELECT d.code, (ST_Dump(d.geom)).geom AS g FROM d),
       sliver AS (
         SELECT code, g, ST_Area(g::geography) AS m2 FROM parts
          WHERE ST_Area(g::geography) < ${SLIVER_M2}
             -- very thin (Polsby-Popper compactness 4πA/P² below 0.005)
             OR 4 * pi() * ST_Area(g::geography) / nullif(ST_Perimeter(g::geography) ^ 2, 0) < 0.005
         UNION ALL SELECT a || '/' || b, g, m2 FROM ov WHERE m2 < ${NOISE_M2} AND NOT ST_IsEmpty(g)
       )
       SELECT
         ${collection(`SELECT jsonb_agg(${feature('g', `jsonb_build_object('a', a, 'b', b, 'areaM2', round(m2::numeric, 1))`)} ORDER BY m2 DESC) FROM ov WHERE m2 >= ${NOISE_M2}`)} AS overlaps,
         ${collection(`SELECT jsonb_agg(${feature('g', `jsonb_build_object('parent', parent, 'areaM2', round(ST_Area(g::geography)::numeric, 1))`)}) FROM gap WHERE ST_Area(g::geography) >= ${NOISE_M2}`)} AS gaps,
         ${collection(`SELECT jsonb_agg(${feature('g', `jsonb_build_object('code', code, 'parent', parent, 'areaM2', round(ST_Area(g::geography)::numeric, 1))`)}) FROM outside WHERE ST_Area(g::geography) >= ${NOISE_M2}`)} AS "outsideParent",
         ${collection(`SELECT jsonb_agg(${feature('g', `jsonb_build_object('code', code, 'areaM2', round(m2::numeric, 2))`)}) FROM sliver`)} AS slivers,
         coalesce((SELECT jsonb_agg(jsonb_build_object('code', code, 'count', n)) FROM (SELECT code, count(*)::int AS n FROM d GROUP BY code HAVING count(*) > 1) x), '[]'::jsonb) AS "duplicateCodes",
         ${collection(`SELECT jsonb_agg(${feature('geom', `jsonb_build_object('code', code, 'parts', ST_NumGeometries(geom))`)}) FROM d WHERE ST_NumGeometries(geom) > 1`)} AS "nonContiguous"`,
      [versionId, scope],
    );
    return row;
  }
}
