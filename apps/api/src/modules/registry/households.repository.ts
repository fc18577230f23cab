import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sqlRow, sqlRows, sqlRun } from '../../core/database/sql';
import { inScope } from '../auth/scope';

export interface HouseholdRow {
  id: number;
  householdNo: string;
  type: 'registered' | 'floating';
  placeId: number;
  placeName: string;
  placeAddress: string | null;
  gridCode: string | null;
  gridName: string | null;
  areaPath: string | null;
  headPersonId: number | null;
  headName: string | null;
  memberCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A household with its place, grid and head; its grid and jurisdiction are its place's. `scope` is the ltree parameter number. */
const select = (scope: string) => `SELECT h.id::int, h.household_no AS "householdNo", h.kind AS type, h.place_id::int AS "placeId",
    pl.name AS "placeName", pl.address AS "placeAddress", pl.grid_code AS "gridCode", g.name AS "gridName", pl.area_path::text AS "areaPath",
    h.head_person_id::int AS "headPersonId", hp.name AS "headName",
    (SELECT count(*)::int FROM person m WHERE m.household_no = h.household_no AND ${inScope('m.area_path', scope)}) AS "memberCount",
    h.created_at AS "createdAt", h.updated_at AS "updatedAt"
  FROM household h JOIN place pl ON pl.id = h.place_id LEFT JOIN area g ON g.id = pl.grid_id LEFT JOIN person hp ON hp.id = h.head_person_id`;

export interface HouseholdsFilter {
  scope: string | null;
  areaPath: string | null;
  type: string | null;
  placeId: number | null;
  householdNo: string | null;
  afterId: number;
  limit: number;
}

@Injectable()
export class HouseholdsRepository {
  async insert(tx: EntityManager, v: { householdNo: string; type: string; placeId: number; headPersonId: number | null }): Promise<number> {
    const row = await sqlRow<{ id: number }>(tx, `INSERT INTO household (household_no, kind, place_id, head_person_id) VALUES ($1, $2, $3, $4) RETURNING id::int`, [v.householdNo, v.type, v.placeId, v.headPersonId]);
    return row!.id;
  }

  async update(tx: EntityManager, id: number, v: { type: string; placeId: number; headPersonId: number | null }): Promise<void> {
    await sqlRun(tx, `UPDATE household SET kind = $2, place_id = $3, head_person_id = $4, updated_at = now() WHERE id = $1`, [id, v.type, v.placeId, v.headPersonId]);
  }

  async get(db: EntityManager, id: number, scope: string | null, forUpdate = false): Promise<HouseholdRow | undefined> {
    return sqlRow<HouseholdRow>(db, `${select('$2')} WHERE h.id = $1 AND ${inScope('pl.area_path', '$2')}${forUpdate ? ' FOR UPDATE OF h' : ''}`, [id, scope]);
  }

  async numberTaken(db: EntityManager, householdNo: string): Promise<boolean> {
    return (await sqlRow(db, `SELECT 1 FROM household WHERE household_no = $1`, [householdNo])) !== undefined;
  }

  async list(db: EntityManager, f: HouseholdsFilter): Promise<HouseholdRow[]> {
    return sqlRows<HouseholdRow>(
      db,
      `${select('$1')}
        WHERE ${inScope('pl.area_path', '$1')}
          AND ($2::ltree IS NULL OR pl.area_path <@ $2::ltree)
          AND ($3::text IS NULL OR h.kind = $3)
          AND ($4::bigint IS NULL OR h.place_id = $4)
          AND ($5::text IS NULL OR h.household_no = $5)
          AND h.id > $6
        ORDER BY h.id
        LIMIT $7`,
      [f.scope, f.areaPath, f.type, f.placeId, f.householdNo, f.afterId, f.limit],
    );
  }
}
