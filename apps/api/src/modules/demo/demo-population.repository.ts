import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sqlChanged, sqlRows, sqlRun } from '../../core/database/sql';
import type { ObjectSpec, PlaceSpec } from './demo-population';

/** Sealed (encrypted + keyed hash) personal identifiers travel with the rows; clear values never reach SQL. */
export interface SealedPerson {
  ext: string;
  name: string;
  idEnc: string;
  idHmac: string;
  phoneEnc: string | null;
  phoneHmac: string | null;
  gender: string;
  birthDate: string;
  householdNo: string;
  householdRole: string;
  registration: string;
  placeExt: string;
  tags: string[];
}
export interface SealedOrg {
  ext: string;
  kind: string;
  name: string;
  uscc: string | null;
  placeExt: string;
  contactName: string;
  contactPhoneEnc: string;
}

/**
 * Bulk writes of the synthetic population: one statement per kind, rows as parallel arrays
 * (unnest). Points are drawn inside PostGIS (ST_GeneratePoints in the grid the row belongs to),
 * so grid attribution is the grid itself: grid_id, grid_code and area_path come from that row.
 */
/**
 * CTEs `ranked` and `pts` over a CTE `r` (columns grid_id and i, its order): the k-th row of each
 * grid gets the k-th of n random points inside that grid (ST_GeneratePoints, seed $7) — join
 * `ranked x JOIN pts p ON p.grid_id = x.grid_id AND p.k = x.k`.
 */
const RANDOM_POINTS_PER_GRID = `ranked AS (
         SELECT r.*, row_number() OVER (PARTITION BY grid_id ORDER BY i) AS k, count(*) OVER (PARTITION BY grid_id)::int AS n FROM r
       ), pts AS (
         SELECT a.id AS grid_id, d.path[1] AS k, d.geom
           FROM (SELECT DISTINCT grid_id, n FROM ranked) g JOIN area a ON a.id = g.grid_id,
                LATERAL ST_Dump(ST_GeneratePoints(a.geom, g.n, $7::int)) d
       )`;

@Injectable()
export class DemoPopulationRepository {
  /**
   * Drop the secondary indexes of `tables` (not primary keys, not unique ones, not those behind a
   * constraint: the load's joins and ON CONFLICTs use those) and return their definitions, to be
   * built again by createIndexes once the rows are in: one bulk build per index instead of an
   * insertion per row into GiST, GIN trigram and btree indexes. Only inside the demo's transaction,
   * on empty tables.
   */
  async dropSecondaryIndexes(db: EntityManager, tables: string[]): Promise<string[]> {
    const rows = await sqlRows<{ name: string; def: string }>(
      db,
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = current_schema() AND t.relname = ANY($1::text[])
          AND NOT i.indisprimary AND NOT i.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        ORDER BY 1`,
      [tables],
    );
    if (rows.length) await sqlRun(db, `DROP INDEX ${rows.map((r) => r.name).join(', ')}`);
    return rows.map((r) => r.def);
  }

  async createIndexes(db: EntityManager, defs: string[]): Promise<void> {
    for (const def of defs) await sqlRun(db, def);
  }

  async grids(db: EntityManager): Promise<{ id: number; code: string; households: number }[]> {
    return sqlRows(
      db,
      `SELECT id::int, code, coalesce((properties->>'households')::int, 500) AS households
         FROM area WHERE level = 'grid' AND valid_from IS NOT NULL AND valid_to IS NULL ORDER BY code`,
    );
  }

  /** Compounds, shops, schools, rental housing: random points inside their grid. */
  async insertPlaces(db: EntityManager, rows: PlaceSpec[], seed: number): Promise<number> {
    return sqlChanged(
      db,
      `WITH r AS (
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS r(ext, grid_id, kind, name, address, compound, i)
       ), ${RANDOM_POINTS_PER_GRID}
       INSERT INTO place (external_id, kind, name, address, compound, geom, grid_id, grid_code, area_path, properties)
       SELECT x.ext, x.kind, x.name, x.address, x.compound, p.geom, a.id, a.code, a.path, '{"synthetic": true, "demo": true}'::jsonb
         FROM ranked x JOIN pts p ON p.grid_id = x.grid_id AND p.k = x.k JOIN area a ON a.id = x.grid_id`,
      [rows.map((x) => x.ext), rows.map((x) => x.gridId), rows.map((x) => x.kind), rows.map((x) => x.name), rows.map((x) => x.address), rows.map((x) => x.compound), seed],
    );
  }

  /** Buildings stand 20–120 m from their compound's point (the compound's point when that would leave the grid). */
  async insertBuildings(db: EntityManager, rows: PlaceSpec[]): Promise<number> {
    return sqlChanged(
      db,
      `WITH r AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[])
           AS r(ext, parent_ext, name, address, compound, building, dist, azimuth)
       )
       INSERT INTO place (external_id, kind, name, address, compound, building, parent_id, geom, grid_id, grid_code, area_path, properties)
       SELECT r.ext, 'building', r.name, c.address || r.building, r.compound, r.building, c.id,
              CASE WHEN ST_Covers(a.geom, q.p) THEN q.p ELSE c.geom END, a.id, a.code, a.path, '{"synthetic": true, "demo": true}'::jsonb
         FROM r JOIN place c ON c.external_id = r.parent_ext JOIN area a ON a.id = c.grid_id
        CROSS JOIN LATERAL (SELECT ST_Project(c.geom::geography, r.dist, r.azimuth)::geometry AS p) q`,
      [
        rows.map((x) => x.ext),
        rows.map((x) => x.parentExt),
        rows.map((x) => x.name),
        rows.map((x) => x.address),
        rows.map((x) => x.compound),
        rows.map((x) => x.building),
        rows.map((_, i) => 20 + ((i * 37) % 100)),
        rows.map((_, i) => (i * 2.399963) % (2 * Math.PI)),
      ],
    );
  }

  /** People live at a building: point and grid copied from it (own_location false). */
  async insertPeople(db: EntityManager, rows: SealedPerson[]): Promise<number> {
    return sqlChanged(
      db,
      `WITH r AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
           AS r(ext, name, id_enc, id_hmac, phone_enc, phone_hmac, gender, birth_date, household_no, household_role, registration, place_ext, tags)
       )
       INSERT INTO person (external_id, name, id_number_enc, id_number_hmac, phone_enc, phone_hmac, gender, birth_date, household_no, household_role,
                           registration, place_id, tags, own_location, geom, grid_id, grid_code, area_path)
       SELECT r.ext, r.name, r.id_enc, r.id_hmac, r.phone_enc, r.phone_hmac, r.gender, r.birth_date, r.household_no, r.household_role,
              r.registration, p.id, CASE WHEN r.tags = '' THEN '{}'::text[] ELSE string_to_array(r.tags, ',') END, false, p.geom, p.grid_id, p.grid_code, p.area_path
         FROM r JOIN place p ON p.external_id = r.place_ext`,
      [
        rows.map((x) => x.ext),
        rows.map((x) => x.name),
        rows.map((x) => x.idEnc),
        rows.map((x) => x.idHmac),
        rows.map((x) => x.phoneEnc),
        rows.map((x) => x.phoneHmac),
        rows.map((x) => x.gender),
        rows.map((x) => x.birthDate),
        rows.map((x) => x.householdNo),
        rows.map((x) => x.householdRole),
        rows.map((x) => x.registration),
        rows.map((x) => x.placeExt),
        rows.map((x) => x.tags.join(',')),
      ],
    );
  }

  /** One household record per household number, at its members' place, headed by its 户主, registered or floating as its head is. */
  async insertHouseholds(db: EntityManager): Promise<number> {
    return sqlChanged(
      db,
      `INSERT INTO household (household_no, kind, place_id, head_person_id)
       SELECT DISTINCT ON (household_no) household_no, registration, place_id, id
         FROM person
        WHERE household_no IS NOT NULL AND place_id IS NOT NULL
        ORDER BY household_no, (household_role = '户主') DESC, id
       ON CONFLICT (household_no) DO NOTHING`,
    );
  }

  /** City components: random points inside their grid. */
  async insertObjects(db: EntityManager, rows: ObjectSpec[], seed: number): Promise<number> {
    return sqlChanged(
      db,
      `WITH r AS (
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS r(ext, grid_id, category, name, condition, department, i)
       ), ${RANDOM_POINTS_PER_GRID}
       INSERT INTO city_object (external_id, category_code, name, condition, owner, department_code, address, geom, grid_id, grid_code, area_path)
       SELECT x.ext, x.category, x.name, x.condition, d.name, x.department, a.name, p.geom, a.id, a.code, a.path
         FROM ranked x JOIN pts p ON p.grid_id = x.grid_id AND p.k = x.k JOIN area a ON a.id = x.grid_id
         LEFT JOIN department d ON d.code = x.department`,
      [rows.map((x) => x.ext), rows.map((x) => x.gridId), rows.map((x) => x.category), rows.map((x) => x.name), rows.map((x) => x.condition), rows.map((x) => x.department), seed],
    );
  }

  /** Organizations sit at a place (its point and grid). */
  async insertOrganizations(db: EntityManager, rows: SealedOrg[]): Promise<number> {
    return sqlChanged(
      db,
      `WITH r AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS r(ext, kind, name, uscc, place_ext, contact_name, contact_phone_enc)
       )
       INSERT INTO organization (external_id, kind, name, uscc, address, place_id, contact_name, contact_phone_enc, own_location, geom, grid_id, grid_code, area_path)
       SELECT r.ext, r.kind, r.name, r.uscc, p.address, p.id, r.contact_name, r.contact_phone_enc, false, p.geom, p.grid_id, p.grid_code, p.area_path
         FROM r JOIN place p ON p.external_id = r.place_ext`,
      [rows.map((x) => x.ext), rows.map((x) => x.kind), rows.map((x) => x.name), rows.map((x) => x.uscc), rows.map((x) => x.placeExt), rows.map((x) => x.contactName), rows.map((x) => x.contactPhoneEnc)],
    );
  }
}
