import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { sqlRow, sqlRows } from '../../core/database/sql';
import { CityObjectEntity } from './entities/city-object.entity';
import type { ObjectCategoryEntity } from './entities/object-category.entity';
import { inScope } from '../auth/scope';
import type { CreateObject, ListObjects, UpdateObject } from './objects-orgs.schemas';
import { likePattern } from './registry.schemas';
import { attributionSet } from './registry-location.repository';
import type { Attribution, LocatedRow } from './registry.types';

export interface ObjectRow extends LocatedRow {
  categoryCode: string;
  categoryName: string;
  majorCode: string;
  majorName: string;
  name: string;
  condition: string;
  owner: string | null;
  departmentCode: string | null;
  address: string | null;
  gridId: number;
}

/** An entry of the component catalogue (object_category) as the API shows it. */
export type ObjectCategory = Pick<ObjectCategoryEntity, 'code' | 'name'> & { parentCode: ObjectCategoryEntity['parent_code']; nameEn: ObjectCategoryEntity['name_en'] };

const SELECT = `SELECT x.id::int, x.external_id AS "externalId", x.category_code AS "categoryCode", c.name AS "categoryName",
    coalesce(m.code, c.code) AS "majorCode", coalesce(m.name, c.name) AS "majorName", x.name, x.condition, x.owner, x.department_code AS "departmentCode",
    x.address, ST_X(x.geom) AS lon, ST_Y(x.geom) AS lat, x.grid_id::int AS "gridId", x.grid_code AS "gridCode", g.name AS "gridName",
    x.area_path::text AS "areaPath", x.created_at AS "createdAt", x.updated_at AS "updatedAt"
  FROM city_object x JOIN object_category c ON c.code = x.category_code LEFT JOIN object_category m ON m.code = c.parent_code
  LEFT JOIN area g ON g.id = x.grid_id`;

@Injectable()
export class ObjectsRepository {
  async insert(tx: EntityManager, v: CreateObject, a: Attribution): Promise<number> {
    const row = await sqlRow<{ id: number }>(
      tx,
      `INSERT INTO city_object (external_id, category_code, name, condition, owner, department_code, address, geom, grid_id, grid_code, area_path)
       VALUES ($1, $2, $3, $4, $5, $6, $7, ST_SetSRID(ST_MakePoint($8, $9), 4326), $10, $11, $12::ltree) RETURNING id::int`,
      [v.externalId ?? null, v.categoryCode, v.name, v.condition, v.owner ?? null, v.departmentCode ?? null, v.address ?? null, a.lon, a.lat, a.gridId, a.gridCode, a.areaPath],
    );
    return row!.id;
  }

  async get(db: EntityManager, id: number, scope: string | null, forUpdate = false): Promise<ObjectRow | undefined> {
    return sqlRow<ObjectRow>(db, `${SELECT} WHERE x.id = $1 AND ${inScope('x.area_path', '$2')}${forUpdate ? ' FOR UPDATE OF x' : ''}`, [id, scope]);
  }

  /** The fields a PATCH carried (undefined: left as it is) and the new attribution when it moved, as one UPDATE of the entity. */
  async update(tx: EntityManager, id: number, v: UpdateObject, a: Attribution | null): Promise<void> {
    const set: QueryDeepPartialEntity<CityObjectEntity> = {
      category_code: v.categoryCode,
      name: v.name,
      condition: v.condition,
      owner: v.owner,
      department_code: v.departmentCode,
      address: v.address,
      ...attributionSet(a),
      updated_at: () => 'now()',
    };
    await tx.createQueryBuilder().update(CityObjectEntity).set(set).where('id = :id', { id }).execute();
  }

  /** `category` matches a minor code exactly or every minor under a 2-digit major. */
  async list(db: EntityManager, q: ListObjects, scope: string | null, areaPath: string | null): Promise<ObjectRow[]> {
    return sqlRows<ObjectRow>(
      db,
      `${SELECT}
        WHERE ${inScope('x.area_path', '$1')}
          AND ($2::ltree IS NULL OR x.area_path <@ $2::ltree)
          AND ($3::text IS NULL OR x.category_code = $3 OR c.parent_code = $3)
          AND ($4::text IS NULL OR x.condition = $4)
          AND ($5::text IS NULL OR x.department_code = $5)
          AND ($6::text IS NULL OR x.name ILIKE $7 OR x.address ILIKE $7 OR x.name % $6)
          AND x.id > $8
        ORDER BY CASE WHEN $6::text IS NULL THEN 0 ELSE -similarity(x.name, $6) END, x.id
        LIMIT $9`,
      [scope, areaPath, q.category ?? null, q.condition ?? null, q.departmentCode ?? null, q.q ?? null, q.q ? likePattern(q.q) : null, q.afterId ?? 0, q.limit],
    );
  }

  async categoryExists(db: EntityManager, code: string): Promise<boolean> {
    return (await sqlRow(db, `SELECT 1 FROM object_category WHERE code = $1 AND parent_code IS NOT NULL`, [code])) !== undefined;
  }

  async categories(db: EntityManager): Promise<ObjectCategory[]> {
    return sqlRows<ObjectCategory>(db, `SELECT code, parent_code AS "parentCode", name, name_en AS "nameEn" FROM object_category ORDER BY code`);
  }
}
