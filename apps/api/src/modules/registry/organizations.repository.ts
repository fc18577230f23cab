import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sqlRow, sqlRows, sqlRun } from '../../core/database/sql';
import { inScope } from '../auth/scope';
import { likePattern } from './registry.schemas';
import type { Attribution, LocatedRow } from './registry.types';

export interface OrgWrite {
  externalId?: string | null;
  kind: string;
  name: string;
  uscc: string | null;
  address: string | null;
  placeId: number | null;
  contactName: string | null;
  contactPhoneEnc: string | null;
  ownLocation: boolean;
}

export interface OrgRow extends Omit<OrgWrite, 'externalId'>, LocatedRow {
  gridId: number;
}

const SELECT = `SELECT x.id::int, x.external_id AS "externalId", x.kind, x.name, x.uscc, x.address, x.place_id::int AS "placeId",
    x.contact_name AS "contactName", x.contact_phone_enc AS "contactPhoneEnc", x.own_location AS "ownLocation",
    ST_X(x.geom) AS lon, ST_Y(x.geom) AS lat, x.grid_id::int AS "gridId", x.grid_code AS "gridCode", g.name AS "gridName",
    x.area_path::text AS "areaPath", x.created_at AS "createdAt", x.updated_at AS "updatedAt"
  FROM organization x LEFT JOIN area g ON g.id = x.grid_id`;

@Injectable()
export class OrganizationsRepository {
  async insert(tx: EntityManager, v: OrgWrite, a: Attribution): Promise<number> {
    const row = await sqlRow<{ id: number }>(
      tx,
      `INSERT INTO organization (external_id, kind, name, uscc, address, place_id, contact_name, contact_phone_enc, own_location, geom, grid_id, grid_code, area_path)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ST_SetSRID(ST_MakePoint($10, $11), 4326), $12, $13, $14::ltree) RETURNING id::int`,
      [v.externalId ?? null, v.kind, v.name, v.uscc, v.address, v.placeId, v.contactName, v.contactPhoneEnc, v.ownLocation, a.lon, a.lat, a.gridId, a.gridCode, a.areaPath],
    );
    return row!.id;
  }

  async update(tx: EntityManager, id: number, v: OrgWrite, a: Attribution): Promise<void> {
    await sqlRun(
      tx,
      `UPDATE organization SET kind = $2, name = $3, uscc = $4, address = $5, place_id = $6, contact_name = $7, contact_phone_enc = $8, own_location = $9,
              geom = ST_SetSRID(ST_MakePoint($10, $11), 4326), grid_id = $12, grid_code = $13, area_path = $14::ltree, updated_at = now()
        WHERE id = $1`,
      [id, v.kind, v.name, v.uscc, v.address, v.placeId, v.contactName, v.contactPhoneEnc, v.ownLocation, a.lon, a.lat, a.gridId, a.gridCode, a.areaPath],
    );
  }

  async get(db: EntityManager, id: number, scope: string | null, forUpdate = false): Promise<OrgRow | undefined> {
    return sqlRow<OrgRow>(db, `${SELECT} WHERE x.id = $1 AND ${inScope('x.area_path', '$2')}${forUpdate ? ' FOR UPDATE OF x' : ''}`, [id, scope]);
  }

  async usccTaken(db: EntityManager, uscc: string, exceptId: number | null): Promise<boolean> {
    return (await sqlRow(db, `SELECT 1 FROM organization WHERE uscc = $1 AND id IS DISTINCT FROM $2::bigint`, [uscc, exceptId])) !== undefined;
  }

  async list(
    db: EntityManager,
    f: { scope: string | null; areaPath: string | null; kind: string | null; uscc: string | null; placeId: number | null; q: string | null; afterId: number; limit: number },
  ): Promise<OrgRow[]> {
    return sqlRows<OrgRow>(
      db,
      `${SELECT}
        WHERE ${inScope('x.area_path', '$1')}
          AND ($2::ltree IS NULL OR x.area_path <@ $2::ltree)
          AND ($3::text IS NULL OR x.kind = $3)
          AND ($4::text IS NULL OR x.uscc = $4)
          AND ($5::bigint IS NULL OR x.place_id = $5)
          AND ($6::text IS NULL OR x.name ILIKE $7 OR x.address ILIKE $7 OR x.name % $6 OR x.address % $6)
          AND x.id > $8
        ORDER BY CASE WHEN $6::text IS NULL THEN 0 ELSE -greatest(similarity(x.name, $6), similarity(coalesce(x.address, ''), $6)) END, x.id
        LIMIT $9`,
      [f.scope, f.areaPath, f.kind, f.uscc, f.placeId, f.q, f.q ? likePattern(f.q) : null, f.afterId, f.limit],
    );
  }
}
