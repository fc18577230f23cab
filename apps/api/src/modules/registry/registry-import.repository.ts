import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { inScope } from '../auth/scope';
import { ENTITY_TABLE, type RegistryEntity } from './registry.types';

/** Columns each kind's import writes (fixed identifiers and SQL types; values travel as one jsonb parameter). */
export const IMPORT_COLUMNS: Record<RegistryEntity, [string, string][]> = {
  place: [['kind', 'text'], ['name', 'text'], ['address', 'text'], ['compound', 'text'], ['building', 'text'], ['unit', 'text'], ['floor', 'text'], ['room', 'text']],
  person: [
    ['name', 'text'], ['id_number_enc', 'text'], ['id_number_hmac', 'text'], ['phone_enc', 'text'], ['phone_hmac', 'text'], ['gender', 'text'], ['birth_date', 'date'],
    ['household_no', 'text'], ['household_role', 'text'], ['registration', 'text'], ['place_id', 'bigint'], ['tags', 'text[]'], ['own_location', 'boolean'],
  ],
  object: [['category_code', 'text'], ['name', 'text'], ['condition', 'text'], ['owner', 'text'], ['department_code', 'text'], ['address', 'text']],
  organization: [
    ['kind', 'text'], ['name', 'text'], ['uscc', 'text'], ['address', 'text'], ['place_id', 'bigint'], ['contact_name', 'text'], ['contact_phone_enc', 'text'], ['own_location', 'boolean'],
  ],
};

export interface Located {
  i: number;
  gridId: number | null;
  gridCode: string | null;
  areaPath: string | null;
}

@Injectable()
export class RegistryImportRepository {
  /** Attribution of every row in one statement: the deepest current area covering each point (as AreaLookupRepository.locate). */
  async attributeAll(db: EntityManager, points: { i: number; lon: number; lat: number }[]): Promise<Located[]> {
    if (!points.length) return [];
    return db.query(
      `SELECT r.i, a.id::int AS "gridId", a.code AS "gridCode", a.path::text AS "areaPath"
         FROM unnest($1::int[], $2::float8[], $3::float8[]) AS r(i, lon, lat)
         LEFT JOIN LATERAL (
           SELECT a.id, a.code, a.path FROM area_part p JOIN area a ON a.id = p.area_id
            WHERE p.geom && ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)
              AND ST_Covers(p.geom, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326))
              AND a.valid_from IS NOT NULL AND a.valid_from <= now() AND (a.valid_to IS NULL OR a.valid_to > now())
            ORDER BY nlevel(a.path) DESC, a.code LIMIT 1) a ON true`,
      [points.map((p) => p.i), points.map((p) => p.lon), points.map((p) => p.lat)],
    );
  }

  /** Places referenced by rows (in the caller's scope), with their point and grid. */
  async places(db: EntityManager, ids: number[], scope: string | null) {
    if (!ids.length) return [];
    return db.query(
      `SELECT id::int, ST_X(geom) AS lon, ST_Y(geom) AS lat, grid_id::int AS "gridId", grid_code AS "gridCode", area_path::text AS "areaPath"
         FROM place WHERE id = ANY($1::bigint[]) AND ${inScope('area_path', '$2')}`,
      [ids, scope],
    ) as Promise<{ id: number; lon: number; lat: number; gridId: number; gridCode: string; areaPath: string }[]>;
  }

  async minorCategories(db: EntityManager, codes: string[]): Promise<Set<string>> {
    const rows = await db.query(`SELECT code FROM object_category WHERE code = ANY($1::text[]) AND parent_code IS NOT NULL`, [codes]);
    return new Set(rows.map((r: { code: string }) => r.code));
  }

  /** External ids already used by records outside the caller's jurisdiction (an import may not touch them). */
  async foreignExternalIds(db: EntityManager, entity: RegistryEntity, ids: string[], scope: string | null): Promise<Set<string>> {
    if (scope === null || !ids.length) return new Set();
    const rows = await db.query(`SELECT external_id FROM ${ENTITY_TABLE[entity]} WHERE external_id = ANY($1::text[]) AND NOT ${inScope('area_path', '$2')}`, [ids, scope]);
    return new Set(rows.map((r: { external_id: string }) => r.external_id));
  }

  /** Values of a unique column already held by rows with another external id (ID-number hashes, credit codes). */
  async takenBy(db: EntityManager, entity: 'person' | 'organization', column: 'id_number_hmac' | 'uscc', values: string[]) {
    if (!values.length) return new Map<string, string | null>();
    const rows = await db.query(`SELECT ${column} AS v, external_id AS e FROM ${ENTITY_TABLE[entity]} WHERE ${column} = ANY($1::text[])`, [values]);
    return new Map<string, string | null>(rows.map((r: { v: string; e: string | null }) => [r.v, r.e]));
  }

  /**
   * One INSERT … ON CONFLICT (external_id) DO UPDATE for all rows: a re-run updates instead of
   * duplicating. Rows whose point or grid changed get a move-history row in the same statement.
   */
  async upsert(tx: EntityManager, entity: RegistryEntity, rows: Record<string, unknown>[], actorName: string): Promise<{ inserted: number; updated: number }> {
    if (!rows.length) return { inserted: 0, updated: 0 };
    const table = ENTITY_TABLE[entity];
    const cols = IMPORT_COLUMNS[entity];
    const names = cols.map(([c]) => c);
    const result = await tx.query(
      `WITH r AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(external_id text, ${cols.map(([c, t]) => `${c} ${t}`).join(', ')}, lon float8, lat float8, grid_id bigint, grid_code text, area_path text)),
       old AS (SELECT t.id, t.geom, t.grid_code, t.area_path FROM ${table} t JOIN r ON r.external_id = t.external_id),
       up AS (
         INSERT INTO ${table} (external_id, ${names.join(', ')}, geom, grid_id, grid_code, area_path)
         SELECT external_id, ${names.join(', ')}, ST_SetSRID(ST_MakePoint(lon, lat), 4326), grid_id, grid_code, area_path::ltree FROM r
         ON CONFLICT (external_id) DO UPDATE SET ${names.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
           geom = EXCLUDED.geom, grid_id = EXCLUDED.grid_id, grid_code = EXCLUDED.grid_code, area_path = EXCLUDED.area_path, updated_at = now()
         RETURNING id, geom, grid_code, area_path, (xmax = 0) AS inserted),
       moved AS (
         INSERT INTO registry_move (entity, entity_id, reason, actor_name, from_geom, from_grid_code, from_area_path, to_geom, to_grid_code, to_area_path)
         SELECT $2, up.id, 'import', $3, old.geom, old.grid_code, old.area_path, up.geom, up.grid_code, up.area_path
           FROM up JOIN old ON old.id = up.id
          WHERE NOT (old.geom ~= up.geom) OR old.grid_code <> up.grid_code)
       SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up`,
      [JSON.stringify(rows), entity, actorName],
    );
    return result[0];
  }
}
