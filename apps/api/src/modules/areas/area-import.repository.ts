import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ATTRIBUTABLE } from './micro-grids';
import { sqlRows, sqlRun } from '../../core/database/sql';
import type { AreaVersionEntity } from './entities/area-version.entity';

export interface Candidate {
  i: number;
  code: string;
  name: string;
  parent: string | null;
  /**
   * GeoJSON MultiPolygon, WGS-84, as JSON text: one string per feature instead of an array per
   * position keeps a 150k-feature import's heap small (fewer, shorter garbage collection pauses).
   */
  geom: string;
  /** its number of positions (to cut a job into steps) */
  vertices: number;
  properties: Record<string, unknown>;
  /** set once PostGIS has judged it: write ST_MakeValid's polygonal part instead */
  repair?: boolean;
}

export interface ValidityRow {
  i: number;
  valid: boolean;
  reason: string | null;
  location: { type: 'Point'; coordinates: [number, number] } | null;
  /** after ST_MakeValid (only computed when repair was asked): polygon parts left, 0 = nothing usable */
  repairedParts: number | null;
}

@Injectable()
export class AreaImportRepository {
  async createDraft(tx: EntityManager, level: string, label: string | null, source: unknown, by: string): Promise<number> {
    const [row] = await sqlRows<{ id: number }>(tx, `INSERT INTO area_version (level, label, source, created_by) VALUES ($1, $2, $3::jsonb, $4) RETURNING id::int`, [level, label, JSON.stringify(source), by]);
    return row.id;
  }

  async draftLevel(tx: EntityManager, versionId: number): Promise<{ status: string; level: string } | undefined> {
    const [row] = await sqlRows<Pick<AreaVersionEntity, 'status' | 'level'>>(tx, `SELECT status, level FROM area_version WHERE id = $1 FOR UPDATE`, [versionId]);
    return row;
  }

  /**
   * Validity of every candidate in one statement. ST_IsValidDetail gives the reason and the
   * location (e.g. "Self-intersection" at a point); with repair, ST_MakeValid's polygonal part
   * (ST_CollectionExtract type 3: lines and points left over from collapsed pieces are dropped).
   */
  async validate(tx: EntityManager, candidates: Candidate[], repair: boolean): Promise<ValidityRow[]> {
    return sqlRows<ValidityRow>(
      tx,
      `WITH input AS (
         SELECT (f->>'i')::int AS i, ST_SetSRID(ST_GeomFromGeoJSON(f->'geom'), 4326) AS g
           FROM jsonb_array_elements($1::jsonb) f
       ), d AS (SELECT i, g, ST_IsValidDetail(g) AS det FROM input)
       SELECT i, (det).valid AS valid, (det).reason AS reason,
              ST_AsGeoJSON((det).location, 7)::jsonb AS location,
              CASE WHEN $2::boolean AND NOT (det).valid
                   THEN ST_NumGeometries(ST_CollectionExtract(ST_MakeValid(g), 3)) END AS "repairedParts"
         FROM d ORDER BY i`,
      [`[${candidates.map((c) => `{"i":${c.i},"geom":${c.geom}}`).join(',')}]`, repair],
    );
  }

  /**
   * Insert the accepted candidates as draft rows (valid_from NULL). The path is the parent's
   * path plus the code when the parent code names a current area or one in this draft;
   * otherwise the area is a root (a standalone layer). Geometry: MultiPolygon, SRID 4326.
   * Then the ST_Subdivide pieces (≤ 64 vertices) for fast point lookups.
   */
  async insert(tx: EntityManager, versionId: number, level: string, rows: Candidate[]): Promise<number[]> {
    const inserted = await sqlRows<{ id: number }>(
      tx,
      `WITH input AS (
         SELECT f->>'code' AS code, f->>'name' AS name, f->>'parent' AS parent, f->'properties' AS props,
                (f->>'repair')::boolean AS repair, ST_SetSRID(ST_GeomFromGeoJSON(f->'geom'), 4326) AS g
           FROM jsonb_array_elements($3::jsonb) f
       ), shaped AS (
         SELECT code, name, parent, props,
                ST_Multi(CASE WHEN repair THEN ST_CollectionExtract(ST_MakeValid(g), 3) ELSE g END) AS geom
           FROM input
       ), parent_path AS (
         -- Each distinct parent code looked up once (a draft's own area first). As a subquery per row,
         -- the planner OR-ed "version_id = $1" into a bitmap scan of the whole draft for every row:
         -- quadratic, 28 s for 500 rows into a draft of 76k.
         SELECT DISTINCT ON (q.parent) q.parent, p.path
           FROM (SELECT DISTINCT parent FROM shaped WHERE parent IS NOT NULL) q
           JOIN area p ON p.code = q.parent AND (p.version_id = $1 OR (p.valid_from IS NOT NULL AND p.valid_to IS NULL))
          ORDER BY q.parent, (p.version_id = $1) DESC
       ),
       ins AS (
         INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, properties)
         SELECT $1, s.code, s.name, $2, s.parent, coalesce(pp.path || s.code, text2ltree(s.code)),
                s.geom, ST_Area(s.geom::geography), coalesce(s.props, '{}'::jsonb)
           FROM shaped s LEFT JOIN parent_path pp ON pp.parent = s.parent
         RETURNING id, level, geom),
       -- the pieces, in the same statement (one round trip fewer for every save of the studio)
       parts AS (INSERT INTO area_part (area_id, geom) SELECT id, ST_Subdivide(geom, 64) FROM ins WHERE ${ATTRIBUTABLE})
       SELECT id::int AS id FROM ins`,
      [versionId, level, `[${rows.map(({ geom, vertices: _, ...r }) => `${JSON.stringify({ ...r, repair: r.repair ?? false }).slice(0, -1)},"geom":${geom}}`).join(',')}]`],
    );
    return inserted.map((r) => r.id);
  }

  /** Undo a failed or cancelled job's steps: its rows (their pieces cascade) and the draft it made. */
  async discard(tx: EntityManager, ids: number[], createdVersionId: number | null): Promise<void> {
    if (ids.length) await sqlRun(tx, `DELETE FROM area WHERE id = ANY($1::bigint[])`, [ids]);
    if (createdVersionId) await sqlRun(tx, `DELETE FROM area_version WHERE id = $1 AND status = 'draft'`, [createdVersionId]);
  }
}
