import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Unit } from './area-proposal.plan';
import { ATTRIBUTABLE } from './micro-grids';
import { sqlRows, sqlRun } from '../../core/database/sql';

export interface Piece {
  /** EWKB hex of the region's piece */
  geom: string;
  compactness: number;
  parts: number;
  /** ids of the units whose representative point lies in it */
  units: string[];
}

const fromHex = (p: string) => `ST_GeomFromEWKB(decode(${p}, 'hex'))`;
const PP = (g: string) => `coalesce(4 * pi() * ST_Area(${g}::geography) / nullif(ST_Perimeter(${g}::geography) ^ 2, 0), 0)`;

@Injectable()
export class AreaProposalRepository {
  /** The parent's current geometry (EWKB hex) and its centre. */
  async region(db: EntityManager, code: string): Promise<{ geom: string; lon: number; lat: number } | undefined> {
    const [row] = await sqlRows<{ geom: string; lon: number; lat: number }>(db,
      `SELECT encode(ST_AsEWKB(geom), 'hex') AS geom, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
         FROM area WHERE code = $1 AND valid_from IS NOT NULL AND valid_to IS NULL`,
      [code],
    );
    return row;
  }

  /**
   * The units a proposal must keep whole: each compound (or stand-alone place) with the places
   * under it (parent_id) that lie in the region, weighted by the households living there; plus
   * `fillers` evenly spread points of no weight that stand for ground (so empty land is shared too).
   */
  async units(db: EntityManager, regionHex: string, fillers: number): Promise<Unit[]> {
    const rows = await sqlRows<{ id: string; w: number; rep: [number, number][]; members: [number, number][] }>(db,
      `WITH r AS (SELECT ${fromHex('$1')} AS g),
       p AS (SELECT x.id, coalesce(x.parent_id, x.id) AS root, x.geom,
                    (SELECT count(*) FROM household h WHERE h.place_id = x.id) AS hh
               FROM place x, r WHERE x.geom && r.g AND ST_Covers(r.g, x.geom))
       SELECT 'u' || root AS id, sum(hh)::int AS w,
              (array_agg(ARRAY[ST_X(geom), ST_Y(geom)] ORDER BY (id = root) DESC, id))[1:1] AS rep,
              array_agg(ARRAY[ST_X(geom), ST_Y(geom)] ORDER BY id) AS members
         FROM p GROUP BY root
       UNION ALL
       SELECT 'f' || path[1], 0, ARRAY[ARRAY[ST_X(geom), ST_Y(geom)]], ARRAY[]::float8[][]
         FROM r, ST_Dump(ST_GeneratePoints(r.g, $2, 1))`,
      [regionHex, fillers],
    );
    return rows.map((r) => ({ id: r.id, w: r.w, a: r.id.startsWith('f') ? 1 : 0, rep: r.rep[0], members: r.members ?? [] }));
  }

  /**
   * Each half-plane cut of the region, in one statement: low = region ∩ half-plane, high = the
   * rest. A side left in pieces keeps its largest and gives the others to the other side, which
   * they touch along the cut (so both sides stay contiguous where the region allows it).
   * The CTEs are MATERIALIZED: inlined, each side's overlay ran again for every unit tested
   * against it (minutes for a community of 5,000 households).
   */
  async cut(db: EntityManager, regionHex: string, halfPlanes: unknown[], reps: { id: string; lon: number; lat: number }[]): Promise<{ low: Piece; high: Piece }[]> {
    const rows = await sqlRows<{ i: number; low: Piece; high: Piece }>(db,
      `WITH r AS (SELECT ${fromHex('$1')} AS g),
       hp AS (SELECT (o - 1)::int AS i, ST_SetSRID(ST_GeomFromGeoJSON(h), 4326) AS h FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(h, o)),
       raw AS MATERIALIZED (SELECT hp.i, ST_CollectionExtract(ST_Intersection(r.g, hp.h), 3) AS lo FROM r, hp),
       main AS MATERIALIZED (
         SELECT raw.i, (SELECT d.geom FROM ST_Dump(raw.lo) d ORDER BY ST_Area(d.geom) DESC LIMIT 1) AS lo FROM raw WHERE NOT ST_IsEmpty(raw.lo)
       ),
       hi AS MATERIALIZED (
         SELECT main.i, main.lo, (SELECT d.geom FROM ST_Dump(ST_CollectionExtract(ST_Difference(r.g, main.lo), 3)) d ORDER BY ST_Area(d.geom) DESC LIMIT 1) AS hi
           FROM main, r
       ),
       sides AS MATERIALIZED (
         SELECT hi.i, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Difference(r.g, hi.hi)), 3)) AS lo, ST_Multi(hi.hi) AS hi FROM hi, r WHERE hi.hi IS NOT NULL
       ),
       reps AS (SELECT x->>'id' AS id, ST_SetSRID(ST_MakePoint((x->>'lon')::float8, (x->>'lat')::float8), 4326) AS g FROM jsonb_array_elements($3::jsonb) x)
       SELECT s.i,
              jsonb_build_object('geom', encode(ST_AsEWKB(s.lo), 'hex'), 'compactness', ${PP('s.lo')}, 'parts', ST_NumGeometries(s.lo),
                'units', coalesce((SELECT jsonb_agg(reps.id) FROM reps WHERE ST_Covers(s.lo, reps.g)), '[]'::jsonb)) AS low,
              jsonb_build_object('geom', encode(ST_AsEWKB(s.hi), 'hex'), 'compactness', ${PP('s.hi')}, 'parts', ST_NumGeometries(s.hi),
                'units', coalesce((SELECT jsonb_agg(reps.id) FROM reps WHERE NOT ST_Covers(s.lo, reps.g)), '[]'::jsonb)) AS high
         FROM sides s WHERE NOT ST_IsEmpty(s.lo) AND NOT ST_IsEmpty(s.hi) ORDER BY s.i`,
      [regionHex, JSON.stringify(halfPlanes), JSON.stringify(reps)],
    );
    const out: { low: Piece; high: Piece }[] = new Array(halfPlanes.length);
    for (const r of rows) out[r.i] = { low: r.low, high: r.high };
    return out;
  }

  /** The proposal's grids as draft rows under the parent, with their subdivided pieces. */
  async insertGrids(tx: EntityManager, versionId: number, parent: { code: string; path: string }, level: string, grids: { code: string; name: string; geom: string }[]): Promise<void> {
    const rows = await sqlRows<{ id: number }>(tx,
      `WITH g AS (SELECT x->>'code' AS code, x->>'name' AS name, ST_Multi(${fromHex("x->>'geom'")}) AS geom FROM jsonb_array_elements($4::jsonb) x)
       INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, generated, properties)
       SELECT $1, g.code, g.name, $5, $2, $3::ltree || g.code, g.geom, ST_Area(g.geom::geography), true, '{"note": "proposal"}'::jsonb FROM g
       RETURNING id::int`,
      [versionId, parent.code, parent.path, JSON.stringify(grids), level],
    );
    await sqlRun(tx, `INSERT INTO area_part (area_id, geom) SELECT id, ST_Subdivide(geom, 64) FROM area WHERE id = ANY($1::bigint[]) AND ${ATTRIBUTABLE}`, [rows.map((r) => r.id)]);
  }

  /** Centroids of pieces, to number the grids north-west first. */
  async centroids(db: EntityManager, hexes: string[]): Promise<{ lon: number; lat: number }[]> {
    return sqlRows<{ lon: number; lat: number }>(db,
      `SELECT ST_X(c) AS lon, ST_Y(c) AS lat FROM (SELECT ST_PointOnSurface(${fromHex('h')}) AS c, o FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY t(h, o)) x ORDER BY o`,
      [JSON.stringify(hexes)],
    );
  }
}
