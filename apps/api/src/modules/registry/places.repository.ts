import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { bigintParam, sqlRow, sqlRows, type SqlParam } from '../../core/database/sql';
import { PlaceEntity } from './entities/place.entity';
import { inScope } from '../auth/scope';
import { likePattern } from './registry.schemas';
import { attributionSet } from './registry-location.repository';
import type { Attribution, LocatedRow } from './registry.types';
import type { CreatePlace, ListPlaces, UpdatePlace } from './places.schemas';

export interface PlaceRow extends LocatedRow {
  kind: string;
  name: string;
  address: string | null;
  compound: string | null;
  building: string | null;
  unit: string | null;
  floor: string | null;
  room: string | null;
  parentId: number | null;
  footprint: unknown;
  /** true in lists when the footprint was simplified (the detail read has it whole) */
  footprintSimplified: boolean;
  gridId: number;
  properties: Record<string, unknown>;
}

const columns = (footprint: string) => `SELECT x.id::int, x.external_id AS "externalId", x.kind, x.name, x.address, x.compound, x.building, x.unit, x.floor, x.room,
    x.parent_id::int AS "parentId", ST_X(x.geom) AS lon, ST_Y(x.geom) AS lat, ${footprint},
    x.grid_id::int AS "gridId", x.grid_code AS "gridCode", g.name AS "gridName", x.area_path::text AS "areaPath", x.properties,
    x.created_at AS "createdAt", x.updated_at AS "updatedAt"`;
/** The detail read: the footprint as stored. */
const SELECT = `${columns('ST_AsGeoJSON(x.footprint, 7)::jsonb AS footprint, false AS "footprintSimplified"')}
  FROM place x LEFT JOIN area g ON g.id = x.grid_id`;
/**
 * Lists: a footprint of more than LIST_VERTICES vertices comes simplified (Douglas-Peucker keeping
 * topology, tolerance 1/256 of its bounding box's diagonal, in degrees like the data), or as its
 * bounding box if even that has too many, and says so (`footprintSimplified`; the detail read has it
 * whole). A page of 100 places then carries at most ~26k vertices, whatever was stored earlier.
 */
const LIST_VERTICES = 256;
const LIST_SELECT = `${columns(`ST_AsGeoJSON(CASE WHEN fs.s IS NULL THEN x.footprint WHEN ST_NPoints(fs.s) <= ${LIST_VERTICES} THEN fs.s ELSE ST_Envelope(x.footprint) END, 7)::jsonb AS footprint,
    fs.s IS NOT NULL AS "footprintSimplified"`)}
  FROM place x LEFT JOIN area g ON g.id = x.grid_id
  CROSS JOIN LATERAL (
    SELECT CASE WHEN ST_NPoints(x.footprint) > ${LIST_VERTICES}
                THEN ST_SimplifyPreserveTopology(x.footprint, greatest(
                       sqrt(power(ST_XMax(x.footprint) - ST_XMin(x.footprint), 2) + power(ST_YMax(x.footprint) - ST_YMin(x.footprint), 2)) / 256, 1e-7)) END AS s
  ) fs`;

@Injectable()
export class PlacesRepository {
  async insert(tx: EntityManager, v: CreatePlace, a: Attribution): Promise<number> {
    const row = await sqlRow<{ id: number }>(
      tx,
      `INSERT INTO place (external_id, kind, name, address, compound, building, unit, floor, room, parent_id, geom, footprint, grid_id, grid_code, area_path, properties)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ST_SetSRID(ST_MakePoint($11, $12), 4326),
               ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($13), 4326)), $14, $15, $16::ltree, $17)
       RETURNING id::int`,
      [
        v.externalId ?? null,
        v.kind,
        v.name,
        v.address ?? null,
        v.compound ?? null,
        v.building ?? null,
        v.unit ?? null,
        v.floor ?? null,
        v.room ?? null,
        v.parentId ?? null,
        a.lon,
        a.lat,
        v.footprint ? JSON.stringify(v.footprint) : null,
        a.gridId,
        a.gridCode,
        a.areaPath,
        v.properties ?? {},
      ],
    );
    return row!.id;
  }

  async get(db: EntityManager, id: number, scope: string | null, forUpdate = false): Promise<PlaceRow | undefined> {
    return sqlRow<PlaceRow>(db, `${SELECT} WHERE x.id = $1 AND ${inScope('x.area_path', '$2')}${forUpdate ? ' FOR UPDATE OF x' : ''}`, [id, scope]);
  }

  /**
   * The fields a PATCH carried (undefined: left as it is) and the new attribution when it moved, as
   * one UPDATE of the entity; a footprint is stored as a MultiPolygon (a Polygon sent is made one).
   */
  async update(tx: EntityManager, id: number, v: UpdatePlace, a: Attribution | null): Promise<void> {
    const set: QueryDeepPartialEntity<PlaceEntity> = {
      kind: v.kind,
      name: v.name,
      address: v.address,
      compound: v.compound,
      building: v.building,
      unit: v.unit,
      floor: v.floor,
      room: v.room,
      parent_id: bigintParam(v.parentId),
      // jsonb, written whole; TypeORM's deep-partial type cannot state `unknown` values
      properties: v.properties as QueryDeepPartialEntity<PlaceEntity>['properties'],
      footprint: v.footprint ? () => 'ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(:footprint), 4326))' : v.footprint,
      ...attributionSet(a),
      updated_at: () => 'now()',
    };
    await tx
      .createQueryBuilder()
      .update(PlaceEntity)
      .set(set)
      .where('id = :id', { id, footprint: v.footprint ? JSON.stringify(v.footprint) : null })
      .execute();
  }

  async list(db: EntityManager, q: ListPlaces, scope: string | null, areaPath: string | null): Promise<PlaceRow[]> {
    const params: SqlParam[] = [scope, areaPath, q.kind ?? null, q.q ?? null, q.q ? likePattern(q.q) : null, q.afterId ?? 0, q.limit];
    // Fuzzy search: substring (ILIKE, answered by the trigram GIN index for 3+ characters)
    // or trigram similarity (typos, reordered words); best matches first.
    return sqlRows<PlaceRow>(
      db,
      `${LIST_SELECT}
        WHERE ${inScope('x.area_path', '$1')}
          AND ($2::ltree IS NULL OR x.area_path <@ $2::ltree)
          AND ($3::text IS NULL OR x.kind = $3)
          AND ($4::text IS NULL OR x.name ILIKE $5 OR x.address ILIKE $5 OR x.name % $4 OR x.address % $4)
          AND x.id > $6
        ORDER BY CASE WHEN $4::text IS NULL THEN 0 ELSE -greatest(similarity(x.name, $4), similarity(coalesce(x.address, ''), $4)) END, x.id
        LIMIT $7`,
      params,
    );
  }
}
