import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RepairChange } from '@gc/contracts';
import { NOISE_M2, SLIVER_M2 } from './area-topology.repository';
import { sqlRows, sqlRun } from '../../core/database/sql';

/** A polygonal, valid MultiPolygon out of whatever an overlay left (lines and points of collapsed pieces dropped). */
const clean = (g: string) => `ST_Multi(ST_CollectionExtract(ST_MakeValid(${g}), 3))`;
/**
 * Vertices and the noded linework live on this grid (1e-7° ≈ 1 cm). Every overlay below works on
 * faces that share their edges exactly, so GEOS never needs its fallback for nearly coincident
 * edges (the embedded PostGIS, WebAssembly, cannot take the exception GEOS throws on its way there).
 */
export const GRID = 1e-7;

export const RULES = {
  overlap: 'an overlap goes to the neighbour it shares the longer border with (the border between the piece and the rest of that neighbour); ties: the lower code',
  outside: 'the part of an area outside its parent is cut off',
  gap: 'a gap smaller than the limit goes to the neighbour it shares the longest border with; ties: the lower code',
  gapLeft: 'a gap larger than the limit (or touching no area) is left for a person to assign',
  sliver: 'a detached part smaller than the sliver limit (or very thin) goes to the neighbour it shares the longest border with',
};

const REPORT = `SELECT action, "to", "from", round(ST_Area(g::geography)::numeric, 1)::float8 AS "areaM2", rule,
                       ST_AsGeoJSON(ST_PointOnSurface(g), 7)::jsonb AS location, ST_AsGeoJSON(g, 7)::jsonb AS geometry
                  FROM repair_piece WHERE ST_Area(g::geography) >= ${NOISE_M2} ORDER BY action, ST_Area(g::geography) DESC`;

/**
 * Repair of a draft's boundaries as a coverage, in PostGIS 3.3 (no ST_CoverageClean) and 3.6 alike:
 * all boundaries (and the parents') are noded into one linework on a 1 cm grid and polygonized
 * into faces; each face belongs to the areas whose original geometry holds its inner point. A face
 * of one area stays; of several (an overlap) goes to one by the stated rule; of none inside the
 * parent (a gap) goes to a neighbour when small; outside the parent is cut off. Each area is then
 * the union of its faces, which share their edges exactly: no overlap can be left between them.
 * Rows are draft rows; published rows are never touched.
 */
@Injectable()
export class AreaRepairRepository {
  /** A preview of repair measures the result and rolls back to here (the draft as it was). */
  async savepoint(tx: EntityManager): Promise<void> {
    await sqlRun(tx, 'SAVEPOINT area_repair');
  }

  async rollbackToSavepoint(tx: EntityManager): Promise<void> {
    await sqlRun(tx, 'ROLLBACK TO SAVEPOINT area_repair');
  }

  private par = `SELECT DISTINCT ON (p.code) p.code, p.geom FROM area p
                  WHERE p.code IN (SELECT parent_code FROM area WHERE version_id = $1 AND parent_code IS NOT NULL)
                    AND (p.version_id = $1 OR (p.valid_from IS NOT NULL AND p.valid_to IS NULL))
                  ORDER BY p.code, (p.version_id = $1) DESC`;

  /** Put every vertex of the draft on the grid (moves nothing by more than ~1 cm). */
  async snap(tx: EntityManager, versionId: number): Promise<void> {
    await sqlRun(
      tx,
      `UPDATE area SET geom = g, area_m2 = ST_Area(g::geography)
         FROM (SELECT id AS gid, ${clean(`ST_ReducePrecision(geom, ${GRID})`)} AS g FROM area WHERE version_id = $1) x
        WHERE id = x.gid AND NOT ST_IsEmpty(x.g) AND NOT ST_Equals(geom, x.g)`,
      [versionId],
    );
  }

  /**
   * Faces of the noded linework, their owners, and who gets each. Leaves `repair_piece` holding
   * the changes to report (overlaps assigned, gaps filled or left, parts outside the parent).
   */
  async rebuild(tx: EntityManager, versionId: number, maxGapM2: number): Promise<RepairChange[]> {
    for (const t of ['repair_face', 'repair_owner', 'repair_edge', 'repair_piece']) await sqlRun(tx, `DROP TABLE IF EXISTS ${t}`);
    await sqlRun(
      tx,
      `CREATE TEMP TABLE repair_face ON COMMIT DROP AS
       WITH par AS (${this.par}),
            lines AS (SELECT ST_Union(ST_Boundary(g), ${GRID}) AS l FROM (SELECT geom AS g FROM area WHERE version_id = $1 UNION ALL SELECT ST_ReducePrecision(geom, ${GRID}) FROM par) x),
            faces AS (SELECT (ST_Dump(ST_Polygonize(l))).geom AS g FROM lines)
       SELECT row_number() OVER () AS fid, g, ST_PointOnSurface(g) AS p, ST_Area(g::geography) AS m2,
              (SELECT count(*) FROM par) > 0 AS has_parent,
              EXISTS (SELECT 1 FROM par WHERE ST_Intersects(par.geom, ST_PointOnSurface(faces.g))) AS inside
         FROM faces WHERE NOT ST_IsEmpty(g)`,
      [versionId],
    );
    await sqlRun(
      tx,
      `CREATE TEMP TABLE repair_owner ON COMMIT DROP AS
       SELECT f.fid, a.id, a.code FROM repair_face f JOIN area a ON a.version_id = $1 AND a.geom && f.p AND ST_Intersects(a.geom, f.p)`,
      [versionId],
    );
    // what each face is: kept (one owner), overlap (several), gap (none, inside), outside (beyond the parent)
    await sqlRun(tx, `ALTER TABLE repair_face ADD COLUMN owners int, ADD COLUMN kind text, ADD COLUMN "to" text`);
    await sqlRun(
      tx,
      `UPDATE repair_face f SET owners = (SELECT count(*) FROM repair_owner o WHERE o.fid = f.fid);
       UPDATE repair_face SET kind = CASE WHEN has_parent AND NOT inside THEN 'outside' WHEN owners = 1 THEN 'kept' WHEN owners > 1 THEN 'overlap' ELSE 'gap' END;
       UPDATE repair_face f SET "to" = (SELECT code FROM repair_owner o WHERE o.fid = f.fid) WHERE kind = 'kept'`,
    );
    // borders between a face to assign and its neighbouring kept faces: shared edges are exact here
    await sqlRun(
      tx,
      `CREATE TEMP TABLE repair_edge ON COMMIT DROP AS
       SELECT f.fid, k."to" AS code, sum(ST_Length(ST_Intersection(ST_Boundary(f.g), ST_Boundary(k.g))::geography)) AS len
         FROM repair_face f JOIN repair_face k ON k.kind = 'kept' AND k.g && f.g AND ST_Touches(k.g, f.g)
        WHERE f.kind IN ('overlap', 'gap')
        GROUP BY f.fid, k."to"`,
    );
    await sqlRun(
      tx,
      `UPDATE repair_face f SET "to" = coalesce(
          (SELECT e.code FROM repair_edge e JOIN repair_owner o ON o.fid = f.fid AND o.code = e.code WHERE e.fid = f.fid ORDER BY e.len DESC, e.code LIMIT 1),
          (SELECT min(o.code) FROM repair_owner o WHERE o.fid = f.fid))
        WHERE kind = 'overlap'`,
    );
    await sqlRun(
      tx,
      `UPDATE repair_face f SET "to" = (SELECT e.code FROM repair_edge e WHERE e.fid = f.fid AND e.len > 0 ORDER BY e.len DESC, e.code LIMIT 1)
        WHERE kind = 'gap' AND m2 < $1`,
      [maxGapM2],
    );
    // each area: the union of its faces (an area left with none keeps its geometry)
    await sqlRun(
      tx,
      `WITH nu AS (SELECT "to" AS code, ${clean(`ST_Union(g, ${GRID})`)} AS geom FROM repair_face WHERE "to" IS NOT NULL GROUP BY "to")
       UPDATE area d SET geom = nu.geom, area_m2 = ST_Area(nu.geom::geography) FROM nu
        WHERE d.version_id = $1 AND d.code = nu.code AND NOT ST_IsEmpty(nu.geom) AND NOT ST_Equals(d.geom, nu.geom)`,
      [versionId],
    );
    await sqlRun(
      tx,
      `CREATE TEMP TABLE repair_piece ON COMMIT DROP AS
       SELECT CASE kind WHEN 'overlap' THEN 'overlap-assigned' WHEN 'outside' THEN 'outside-parent-clipped' WHEN 'gap' THEN CASE WHEN "to" IS NULL THEN 'gap-left' ELSE 'gap-filled' END END AS action,
              CASE kind WHEN 'overlap' THEN $1 WHEN 'outside' THEN $2 ELSE CASE WHEN "to" IS NULL THEN $4 ELSE $3 END END AS rule,
              "to", CASE WHEN kind IN ('overlap', 'outside') THEN (SELECT string_agg(o.code, ',' ORDER BY o.code) FROM repair_owner o WHERE o.fid = f.fid AND o.code IS DISTINCT FROM f."to") END AS "from",
              g
         FROM repair_face f WHERE kind <> 'kept' AND (kind <> 'outside' OR owners > 0)`,
      [RULES.overlap, RULES.outside, RULES.gap, RULES.gapLeft],
    );
    return sqlRows<RepairChange>(tx, REPORT);
  }

  /** Detached parts below the sliver limit (or very thin) go to the neighbour they border longest. */
  async absorbSlivers(tx: EntityManager, versionId: number): Promise<RepairChange[]> {
    await sqlRun(tx, `DROP TABLE IF EXISTS repair_piece`);
    await sqlRun(
      tx,
      `CREATE TEMP TABLE repair_piece ON COMMIT DROP AS
       WITH parts AS (
         SELECT d.id, d.code, x.geom AS g, ST_Area(x.geom::geography) AS m2,
                rank() OVER (PARTITION BY d.id ORDER BY ST_Area(x.geom) DESC, x.path) AS rk
           FROM area d CROSS JOIN LATERAL ST_Dump(d.geom) x
          WHERE d.version_id = $1 AND ST_NumGeometries(d.geom) > 1
       ), sl AS (
         SELECT * FROM parts WHERE rk > 1 AND (m2 < ${SLIVER_M2} OR 4 * pi() * m2 / nullif(ST_Perimeter(g::geography) ^ 2, 0) < 0.005)
       )
       SELECT 'sliver-absorbed'::text AS action, $2::text AS rule, sl.id AS loser, sl.code AS "from", best.code AS "to", sl.g FROM sl
         JOIN LATERAL (
           SELECT c.code, ST_Length(ST_Intersection(ST_Boundary(c.geom), ST_Boundary(sl.g))::geography) AS len FROM area c
            WHERE c.version_id = $1 AND c.id <> sl.id AND c.geom && sl.g AND ST_Touches(c.geom, sl.g)
            ORDER BY 2 DESC, c.code LIMIT 1) best ON best.len > 0`,
      [versionId, RULES.sliver],
    );
    // the loser keeps its other parts (collected again, no overlay: the parts are disjoint already)
    await sqlRun(
      tx,
      `WITH nu AS (
         SELECT d.id, ST_Multi(ST_Collect(x.geom)) AS geom
           FROM area d CROSS JOIN LATERAL ST_Dump(d.geom) x
          WHERE d.id IN (SELECT loser FROM repair_piece)
            AND NOT EXISTS (SELECT 1 FROM repair_piece r WHERE r.loser = d.id AND ST_Equals(r.g, x.geom))
          GROUP BY d.id)
       UPDATE area d SET geom = nu.geom, area_m2 = ST_Area(nu.geom::geography) FROM nu WHERE d.id = nu.id AND NOT ST_IsEmpty(nu.geom)`,
    );
    await sqlRun(
      tx,
      `WITH given AS (SELECT "to", ST_Collect(g) AS g FROM repair_piece GROUP BY "to"),
            nu AS (SELECT d.id, ${clean(`ST_Union(d.geom, given.g, ${GRID})`)} AS geom FROM area d JOIN given ON given."to" = d.code WHERE d.version_id = $1)
       UPDATE area d SET geom = nu.geom, area_m2 = ST_Area(nu.geom::geography) FROM nu WHERE d.id = nu.id`,
      [versionId],
    );
    return sqlRows<RepairChange>(tx, REPORT.replace('ST_Area(g::geography) >= ' + NOISE_M2, 'true'));
  }

  async draftIds(tx: EntityManager, versionId: number): Promise<number[]> {
    return (await sqlRows<{ id: number }>(tx, `SELECT id::int FROM area WHERE version_id = $1`, [versionId])).map((r) => r.id);
  }
}
