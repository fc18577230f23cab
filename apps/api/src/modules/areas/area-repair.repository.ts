import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RepairChange } from '@gc/contracts';
import { NOISE_M2, SLIVER_M2 } from './area-topology.repository';

/** A polygonal, valid MultiPolygon out of whatever an overlay left (lines and points of collapsed pieces dropped). */
const clean = (g: string) => `ST_Multi(ST_CollectionExtract(ST_MakeValid(${g}), 3))`;
/**
 * Every overlay snap-rounds to this grid (1e-7° ≈ 1 cm): fixed-precision overlay (GEOS OverlayNG)
 * needs no fallback for nearly coincident edges, and the embedded PostGIS (WebAssembly) cannot
 * take the exception GEOS throws on its way to that fallback.
 */
export const GRID = 1e-7;
/** ~0.1 m: wide enough to catch a border that coincides with a piece's edge up to rounding. */
const EPS_DEG = 1e-6;

/** Length in metres of area `c`'s border that runs along the piece `g` (the border they share). */
const shared = (c: string, g: string) => `ST_Length(ST_Intersection(ST_Boundary(${c}), ST_Buffer(${g}, ${EPS_DEG}), ${GRID})::geography)`;

export const RULES = {
  overlap: 'an overlap goes to the neighbour it shares the longer border with (the border between the piece and the rest of that neighbour); ties: the lower code',
  outside: 'the part of an area outside its parent is cut off',
  gap: 'a gap smaller than the limit goes to the neighbour it shares the longest border with; ties: the lower code',
  gapLeft: 'a gap larger than the limit (or touching no area) is left for a person to assign',
  sliver: 'a detached part smaller than the sliver limit (or very thin) goes to the neighbour it shares the longest border with',
};

const REPORT = (action: string, rule: string) =>
  `SELECT '${action}' AS action, "to", "from", round(ST_Area(g::geography)::numeric, 1)::float8 AS "areaM2", '${rule.replace(/'/g, "''")}' AS rule,
          ST_AsGeoJSON(ST_PointOnSurface(g), 7)::jsonb AS location, ST_AsGeoJSON(g, 7)::jsonb AS geometry
     FROM repair_piece ORDER BY ST_Area(g::geography) DESC`;

/**
 * Repair of a draft's boundaries in PostGIS without ST_CoverageClean (PostGIS 3.3 on servers has
 * none): pairwise overlaps assigned by shared border, parts outside the parent cut off, small gaps
 * given to a neighbour, detached slivers absorbed. Each step keeps its pieces in a temporary table
 * (`repair_piece`), changes the draft rows from it and reports it. Rows are draft rows: published
 * rows are never touched.
 */
@Injectable()
export class AreaRepairRepository {
  private async pieces(tx: EntityManager, select: string, params: unknown[]): Promise<void> {
    await tx.query(`DROP TABLE IF EXISTS repair_piece`);
    await tx.query(`CREATE TEMP TABLE repair_piece ON COMMIT DROP AS ${select}`, params);
  }

  private async report(tx: EntityManager, action: string, rule: string): Promise<RepairChange[]> {
    return tx.query(REPORT(action, rule));
  }

  /** Put every vertex of the draft on the grid the overlays use (moves nothing by more than ~1 cm). */
  async snap(tx: EntityManager, versionId: number): Promise<void> {
    await tx.query(
      `UPDATE area SET geom = g, area_m2 = ST_Area(g::geography)
         FROM (SELECT id AS gid, ${clean(`ST_ReducePrecision(geom, ${GRID})`)} AS g FROM area WHERE version_id = $1) x
        WHERE id = x.gid AND NOT ST_IsEmpty(x.g) AND NOT ST_Equals(geom, x.g)`,
      [versionId],
    );
  }

  /** Parent of each draft row: the draft's own row with that code, else the current one (as the topology check). */
  private par = `SELECT DISTINCT ON (p.code) p.code, p.geom FROM area p
                  WHERE p.code IN (SELECT parent_code FROM area WHERE version_id = $1 AND parent_code IS NOT NULL)
                    AND (p.version_id = $1 OR (p.valid_from IS NOT NULL AND p.valid_to IS NULL))
                  ORDER BY p.code, (p.version_id = $1) DESC`;

  async clipToParent(tx: EntityManager, versionId: number): Promise<RepairChange[]> {
    await this.pieces(
      tx,
      `WITH par AS (${this.par})
       SELECT d.id, NULL::text AS "to", d.code AS "from", ${clean(`ST_Difference(d.geom, par.geom, ${GRID})`)} AS g, ${clean(`ST_Intersection(d.geom, par.geom, ${GRID})`)} AS keep
         FROM area d JOIN par ON par.code = d.parent_code
        WHERE d.version_id = $1 AND d.level <> 'city' AND NOT ST_CoveredBy(d.geom, par.geom)`,
      [versionId],
    );
    await tx.query(`DELETE FROM repair_piece WHERE ST_IsEmpty(g) OR ST_IsEmpty(keep)`);
    await tx.query(`UPDATE area d SET geom = r.keep, area_m2 = ST_Area(r.keep::geography) FROM repair_piece r WHERE d.id = r.id`);
    await tx.query(`DELETE FROM repair_piece WHERE ST_Area(g::geography) < ${NOISE_M2}`);
    return this.report(tx, 'outside-parent-clipped', RULES.outside);
  }

  /**
   * Every pair of siblings whose interiors overlap: the piece goes to the one whose remaining part
   * borders it longer, i.e. whose border with the piece is the other's edge running through it.
   */
  async resolveOverlaps(tx: EntityManager, versionId: number): Promise<RepairChange[]> {
    await this.pieces(
      tx,
      `WITH ov AS (
         SELECT a.id AS aid, a.code AS ac, a.geom AS ag, b.id AS bid, b.code AS bc, b.geom AS bg, ${clean(`ST_Intersection(a.geom, b.geom, ${GRID})`)} AS g
           FROM area a JOIN area b ON b.version_id = $1 AND a.id < b.id AND a.parent_code IS NOT DISTINCT FROM b.parent_code
                                  AND a.geom && b.geom AND ST_Relate(a.geom, b.geom, '2********')
          WHERE a.version_id = $1
       ), scored AS (
         -- a keeps the piece when b's edge runs through a along it (the piece borders the rest of a there)
         SELECT *, ${shared('bg', 'g')} AS la, ${shared('ag', 'g')} AS lb FROM ov WHERE NOT ST_IsEmpty(g)
       )
       SELECT CASE WHEN la > lb OR (la = lb AND ac < bc) THEN bid ELSE aid END AS loser,
              CASE WHEN la > lb OR (la = lb AND ac < bc) THEN aid ELSE bid END AS winner,
              CASE WHEN la > lb OR (la = lb AND ac < bc) THEN ac ELSE bc END AS "to",
              CASE WHEN la > lb OR (la = lb AND ac < bc) THEN bc ELSE ac END AS "from", g
         FROM scored`,
      [versionId],
    );
    // loser minus the winner (= minus their common piece). Not minus the piece itself: that piece's
    // edges lie exactly on the loser's, and GEOS 3.14 (embedded PostGIS 3.6) failed on it.
    await tx.query(
      `WITH lost AS (SELECT r.loser, ST_Union(w.geom, ${GRID}) AS g FROM repair_piece r JOIN area w ON w.id = r.winner GROUP BY r.loser),
            nu AS (SELECT d.id, ${clean(`ST_Difference(d.geom, lost.g, ${GRID})`)} AS geom FROM area d JOIN lost ON lost.loser = d.id)
       UPDATE area d SET geom = nu.geom, area_m2 = ST_Area(nu.geom::geography) FROM nu WHERE d.id = nu.id AND NOT ST_IsEmpty(nu.geom)`,
    );
    await tx.query(`DELETE FROM repair_piece WHERE ST_Area(g::geography) < ${NOISE_M2}`);
    return this.report(tx, 'overlap-assigned', RULES.overlap);
  }

  /**
   * Gaps: inside a parent, what its children leave uncovered; without a parent, holes in the union
   * of the siblings. Below `maxGapM2` a gap goes to the neighbour it shares the longest border with.
   */
  async fillGaps(tx: EntityManager, versionId: number, maxGapM2: number): Promise<RepairChange[]> {
    await this.pieces(
      tx,
      `WITH par AS (${this.par}),
       holes AS (
         SELECT (ST_Dump(ST_Difference(par.geom, ST_Union(c.geom, ${GRID}), ${GRID}))).geom AS g
           FROM par JOIN area c ON c.version_id = $1 AND c.parent_code = par.code GROUP BY par.code, par.geom
         UNION ALL
         SELECT rg.geom FROM (
           SELECT ST_Union(geom, ${GRID}) AS u FROM area
            WHERE version_id = $1 AND (parent_code IS NULL OR parent_code NOT IN (SELECT code FROM par))
            GROUP BY parent_code) x
          CROSS JOIN LATERAL ST_Dump(x.u) p CROSS JOIN LATERAL ST_DumpRings(p.geom) rg
          WHERE rg.path[1] > 0
       ), scored AS (
         SELECT h.g, best.code, best.len FROM holes h
          LEFT JOIN LATERAL (
            SELECT c.id, c.code, ${shared('c.geom', 'h.g')} AS len FROM area c
             WHERE c.version_id = $1 AND c.geom && ST_Expand(h.g, ${EPS_DEG * 2})
             ORDER BY 3 DESC, c.code LIMIT 1) best ON true
          WHERE NOT ST_IsEmpty(h.g)
       )
       SELECT g, CASE WHEN ST_Area(g::geography) < $2 AND len > 0 THEN code END AS "to", NULL::text AS "from" FROM scored`,
      [versionId, maxGapM2],
    );
    await tx.query(
      `WITH given AS (SELECT "to", ST_Union(g, ${GRID}) AS g FROM repair_piece WHERE "to" IS NOT NULL GROUP BY "to"),
            nu AS (SELECT d.id, ${clean(`ST_Union(d.geom, given.g, ${GRID})`)} AS geom FROM area d JOIN given ON given."to" = d.code WHERE d.version_id = $1)
       UPDATE area d SET geom = nu.geom, area_m2 = ST_Area(nu.geom::geography) FROM nu WHERE d.id = nu.id`,
      [versionId],
    );
    await tx.query(`DELETE FROM repair_piece WHERE ST_Area(g::geography) < ${NOISE_M2}`);
    const filled = (await this.report(tx, 'gap-filled', RULES.gap)).filter((c) => c.to !== null);
    const left = (await this.report(tx, 'gap-left', RULES.gapLeft)).filter((c) => c.to === null);
    return [...filled, ...left];
  }

  /** Detached parts below the sliver limit (or very thin) go to the neighbour they border longest. */
  async absorbSlivers(tx: EntityManager, versionId: number): Promise<RepairChange[]> {
    await this.pieces(
      tx,
      `WITH parts AS (
         SELECT d.id, d.code, x.geom AS g, ST_Area(x.geom::geography) AS m2,
                rank() OVER (PARTITION BY d.id ORDER BY ST_Area(x.geom) DESC, x.path) AS rk
           FROM area d CROSS JOIN LATERAL ST_Dump(d.geom) x
          WHERE d.version_id = $1 AND ST_NumGeometries(d.geom) > 1
       ), sl AS (
         SELECT * FROM parts WHERE rk > 1 AND (m2 < ${SLIVER_M2} OR 4 * pi() * m2 / nullif(ST_Perimeter(g::geography) ^ 2, 0) < 0.005)
       )
       SELECT sl.id AS loser, sl.code AS "from", best.code AS "to", sl.g FROM sl
         JOIN LATERAL (
           SELECT c.code, ${shared('c.geom', 'sl.g')} AS len FROM area c
            WHERE c.version_id = $1 AND c.id <> sl.id AND c.geom && ST_Expand(sl.g, ${EPS_DEG * 2})
            ORDER BY 2 DESC, c.code LIMIT 1) best ON best.len > 0`,
      [versionId],
    );
    // the loser keeps its other parts (collected again, no overlay: the parts are disjoint already)
    await tx.query(
      `WITH nu AS (
         SELECT d.id, ST_Multi(ST_Collect(x.geom)) AS geom
           FROM area d CROSS JOIN LATERAL ST_Dump(d.geom) x
          WHERE d.id IN (SELECT loser FROM repair_piece)
            AND NOT EXISTS (SELECT 1 FROM repair_piece r WHERE r.loser = d.id AND ST_Equals(r.g, x.geom))
          GROUP BY d.id)
       UPDATE area d SET geom = nu.geom, area_m2 = ST_Area(nu.geom::geography) FROM nu WHERE d.id = nu.id AND NOT ST_IsEmpty(nu.geom)`,
    );
    await tx.query(
      `WITH given AS (SELECT "to", ST_Union(g, ${GRID}) AS g FROM repair_piece GROUP BY "to"),
            nu AS (SELECT d.id, ${clean(`ST_Union(d.geom, given.g, ${GRID})`)} AS geom FROM area d JOIN given ON given."to" = d.code WHERE d.version_id = $1)
       UPDATE area d SET geom = nu.geom, area_m2 = ST_Area(nu.geom::geography) FROM nu WHERE d.id = nu.id`,
      [versionId],
    );
    return this.report(tx, 'sliver-absorbed', RULES.sliver);
  }

  async draftIds(tx: EntityManager, versionId: number): Promise<number[]> {
    return (await tx.query(`SELECT id::int FROM area WHERE version_id = $1`, [versionId])).map((r: { id: number }) => r.id);
  }
}
