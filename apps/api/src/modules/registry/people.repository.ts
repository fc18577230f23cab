import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sqlRow, sqlRows, sqlRun, type SqlParam } from '../../core/database/sql';
import { inScope } from '../auth/scope';
import type { PersonTagEntity } from './entities/person-tag.entity';
import { likePattern } from './registry.schemas';
import type { Attribution, LocatedRow } from './registry.types';

/** A person's stored values (personal identifiers already sealed). */
export interface PersonWrite {
  externalId?: string | null;
  name: string;
  idNumberEnc: string | null;
  idNumberHmac: string | null;
  phoneEnc: string | null;
  phoneHmac: string | null;
  gender: string | null;
  birthDate: string | null;
  householdNo: string | null;
  householdRole: string | null;
  registration: string;
  placeId: number | null;
  tags: string[];
  ownLocation: boolean;
}

/** The stored row of a person being updated: its values (identifiers sealed), point and attribution. */
export type StoredPerson = Omit<PersonWrite, 'externalId'> & { id: number; lon: number; lat: number; gridId: number; gridCode: string; areaPath: string };

/** A person as read (the keyed hashes of the identifiers stay in the database). */
export interface PersonRow extends Omit<PersonWrite, 'externalId' | 'idNumberHmac' | 'phoneHmac'>, LocatedRow {}

export interface PeopleFilter {
  scope: string | null;
  areaPath: string | null;
  tag: string | null;
  registration: string | null;
  householdNo: string | null;
  placeId: number | null;
  idHmac: string | null;
  phoneHmac: string | null;
  q: string | null;
  afterId: number;
  limit: number;
}

const SELECT = `SELECT x.id::int, x.external_id AS "externalId", x.name, x.id_number_enc AS "idNumberEnc", x.phone_enc AS "phoneEnc",
    x.gender, to_char(x.birth_date, 'YYYY-MM-DD') AS "birthDate", x.household_no AS "householdNo", x.household_role AS "householdRole",
    x.registration, x.place_id::int AS "placeId", x.tags, x.own_location AS "ownLocation", ST_X(x.geom) AS lon, ST_Y(x.geom) AS lat,
    x.grid_code AS "gridCode", g.name AS "gridName", x.area_path::text AS "areaPath", x.created_at AS "createdAt", x.updated_at AS "updatedAt"
  FROM person x LEFT JOIN area g ON g.id = x.grid_id`;

@Injectable()
export class PeopleRepository {
  async insert(tx: EntityManager, v: PersonWrite, a: Attribution): Promise<number> {
    const row = await sqlRow<{ id: number }>(
      tx,
      `INSERT INTO person (external_id, name, id_number_enc, id_number_hmac, phone_enc, phone_hmac, gender, birth_date, household_no, household_role,
                           registration, place_id, tags, own_location, geom, grid_id, grid_code, area_path)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, ST_SetSRID(ST_MakePoint($15, $16), 4326), $17, $18, $19::ltree)
       RETURNING id::int`,
      [v.externalId ?? null, ...personColumns(v, a)],
    );
    return row!.id;
  }

  async update(tx: EntityManager, id: number, v: PersonWrite, a: Attribution): Promise<void> {
    await sqlRun(
      tx,
      `UPDATE person SET name = $2, id_number_enc = $3, id_number_hmac = $4, phone_enc = $5, phone_hmac = $6, gender = $7, birth_date = $8,
              household_no = $9, household_role = $10, registration = $11, place_id = $12, tags = $13, own_location = $14,
              geom = ST_SetSRID(ST_MakePoint($15, $16), 4326), grid_id = $17, grid_code = $18, area_path = $19::ltree, updated_at = now()
        WHERE id = $1`,
      [id, ...personColumns(v, a)],
    );
  }

  /** The stored row including sealed identifiers and hashes (for updates). */
  async getForUpdate(tx: EntityManager, id: number, scope: string | null): Promise<StoredPerson | undefined> {
    return sqlRow<StoredPerson>(
      tx,
      `SELECT x.id::int, x.name, x.id_number_enc AS "idNumberEnc", x.id_number_hmac AS "idNumberHmac", x.phone_enc AS "phoneEnc", x.phone_hmac AS "phoneHmac",
              x.gender, to_char(x.birth_date, 'YYYY-MM-DD') AS "birthDate", x.household_no AS "householdNo", x.household_role AS "householdRole",
              x.registration, x.place_id::int AS "placeId", x.tags, x.own_location AS "ownLocation", ST_X(x.geom) AS lon, ST_Y(x.geom) AS lat,
              x.grid_id::int AS "gridId", x.grid_code AS "gridCode", x.area_path::text AS "areaPath"
         FROM person x WHERE x.id = $1 AND ${inScope('x.area_path', '$2')} FOR UPDATE`,
      [id, scope],
    );
  }

  async get(db: EntityManager, id: number, scope: string | null): Promise<PersonRow | undefined> {
    return sqlRow<PersonRow>(db, `${SELECT} WHERE x.id = $1 AND ${inScope('x.area_path', '$2')}`, [id, scope]);
  }

  async list(db: EntityManager, f: PeopleFilter): Promise<PersonRow[]> {
    return sqlRows<PersonRow>(
      db,
      `${SELECT}
        WHERE ${inScope('x.area_path', '$1')}
          AND ($2::ltree IS NULL OR x.area_path <@ $2::ltree)
          AND ($3::text IS NULL OR x.tags @> ARRAY[$3::text])
          AND ($4::text IS NULL OR x.registration = $4)
          AND ($5::text IS NULL OR x.household_no = $5)
          AND ($6::bigint IS NULL OR x.place_id = $6)
          AND ($7::text IS NULL OR x.id_number_hmac = $7)
          AND ($8::text IS NULL OR x.phone_hmac = $8)
          AND ($9::text IS NULL OR x.name ILIKE $10 OR x.name % $9)
          AND x.id > $11
        ORDER BY CASE WHEN $9::text IS NULL THEN 0 ELSE -similarity(x.name, $9) END, x.id
        LIMIT $12`,
      [f.scope, f.areaPath, f.tag, f.registration, f.householdNo, f.placeId, f.idHmac, f.phoneHmac, f.q, f.q ? likePattern(f.q) : null, f.afterId, f.limit],
    );
  }

  /**
   * The other people holding this ID number (by keyed hash), each with whether it lies inside
   * `scope`, after taking the number's lock until the transaction ends (two registrations of one
   * number cannot both pass the check: there is no unique index, see people.service).
   */
  async idNumberHolders(tx: EntityManager, hmac: string, exceptId: number | null, scope: string | null): Promise<{ id: number; visible: boolean }[]> {
    await sqlRun(tx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 16))`, [`person.id_number:${hmac}`]);
    return sqlRows<{ id: number; visible: boolean }>(tx, `SELECT id::int, ${inScope('area_path', '$3')} AS visible FROM person WHERE id_number_hmac = $1 AND id IS DISTINCT FROM $2::bigint`, [hmac, exceptId, scope]);
  }

  async externalIdTaken(db: EntityManager, externalId: string): Promise<boolean> {
    return (await sqlRow(db, `SELECT 1 FROM person WHERE external_id = $1`, [externalId])) !== undefined;
  }

  /** Codes among `tags` that are not active entries of the configurable tag list. */
  async unknownTags(db: EntityManager, tags: string[]): Promise<string[]> {
    if (!tags.length) return [];
    const rows = await sqlRows<{ t: string }>(db, `SELECT t FROM unnest($1::text[]) t WHERE t NOT IN (SELECT code FROM person_tag WHERE active)`, [tags]);
    return rows.map((r) => r.t);
  }

  async tagList(db: EntityManager): Promise<(Pick<PersonTagEntity, 'code' | 'name'> & { nameEn: PersonTagEntity['name_en'] })[]> {
    return sqlRows(db, `SELECT code, name, name_en AS "nameEn" FROM person_tag WHERE active ORDER BY code`);
  }
}

/** $2…$19 of both insert and update: the person's columns, then its point and attribution. */
function personColumns(v: PersonWrite, a: Attribution): SqlParam[] {
  return [
    v.name,
    v.idNumberEnc,
    v.idNumberHmac,
    v.phoneEnc,
    v.phoneHmac,
    v.gender,
    v.birthDate,
    v.householdNo,
    v.householdRole,
    v.registration,
    v.placeId,
    v.tags,
    v.ownLocation,
    a.lon,
    a.lat,
    a.gridId,
    a.gridCode,
    a.areaPath,
  ];
}
