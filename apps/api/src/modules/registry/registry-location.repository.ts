import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { bigintParam, sqlChanged, sqlRow, sqlRows, sqlRun } from '../../core/database/sql';
import type { AreaEntity } from '../areas/entities/area.entity';
import { LOCATED_KINDS } from './registry-kinds';
import type { LocatedRecordEntity } from './entities/located-record.entity';
import type { Attribution, RegistryEntity } from './registry.types';

/**
 * The columns of a new attribution in a typed UPDATE of a located record (TypeORM writes the point
 * as GeoJSON in SRID 4326); none when the record did not move.
 */
export function attributionSet(a: Attribution | null): QueryDeepPartialEntity<LocatedRecordEntity> {
  if (!a) return {};
  return { geom: { type: 'Point', coordinates: [a.lon, a.lat] }, grid_id: bigintParam(a.gridId), grid_code: a.gridCode, area_path: a.areaPath };
}

/** One entry of a record's move history (registry_move), as the API shows it. */
export interface MoveRow {
  id: number;
  at: Date;
  reason: string;
  actorName: string | null;
  fromLon: number | null;
  fromLat: number | null;
  fromGridCode: string | null;
  toLon: number | null;
  toLat: number | null;
  toGridCode: string | null;
}

/** SQL for the location side of the registries: move history and place-following records. */
@Injectable()
export class RegistryLocationRepository {
  /** Append one move row (from/to point and grid) for a record. */
  async recordMove(
    tx: EntityManager,
    m: { entity: RegistryEntity; entityId: number; reason: string; actorName: string },
    from: { lon: number; lat: number; gridCode: string; areaPath: string },
    to: { lon: number; lat: number; gridCode: string; areaPath: string },
  ): Promise<void> {
    await sqlRun(
      tx,
      `INSERT INTO registry_move (entity, entity_id, reason, actor_name, from_geom, from_grid_code, from_area_path, to_geom, to_grid_code, to_area_path)
       VALUES ($1, $2, $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326), $7, $8::ltree, ST_SetSRID(ST_MakePoint($9, $10), 4326), $11, $12::ltree)`,
      [m.entity, m.entityId, m.reason, m.actorName, from.lon, from.lat, from.gridCode, from.areaPath, to.lon, to.lat, to.gridCode, to.areaPath],
    );
  }

  /**
   * People and organizations without a location of their own follow their place: copy its
   * point and grid in one statement, writing a move row for each record that changed.
   */
  async followPlace(tx: EntityManager, placeId: number, actorName: string): Promise<number> {
    let moved = 0;
    for (const entity of ['person', 'organization'] as const) {
      const table = LOCATED_KINDS[entity].table;
      moved += await sqlChanged(
        tx,
        `WITH moved AS (
           UPDATE ${table} r SET geom = p.geom, grid_id = p.grid_id, grid_code = p.grid_code, area_path = p.area_path, updated_at = now()
             FROM place p, ${table} old
            WHERE p.id = $1 AND r.place_id = p.id AND NOT r.own_location AND old.id = r.id
              AND NOT (r.geom ~= p.geom AND r.grid_id = p.grid_id)
           RETURNING r.id, old.geom AS from_geom, old.grid_code AS from_code, old.area_path AS from_path, r.geom, r.grid_code, r.area_path)
         INSERT INTO registry_move (entity, entity_id, reason, actor_name, from_geom, from_grid_code, from_area_path, to_geom, to_grid_code, to_area_path)
         SELECT $2, id, 'place_moved', $3, from_geom, from_code, from_path, geom, grid_code, area_path FROM moved`,
        [placeId, entity, actorName],
      );
    }
    return moved;
  }

  async history(db: EntityManager, entity: RegistryEntity, id: number): Promise<MoveRow[]> {
    return sqlRows<MoveRow>(
      db,
      `SELECT id::int, at, reason, actor_name AS "actorName",
              ST_X(from_geom) AS "fromLon", ST_Y(from_geom) AS "fromLat", from_grid_code AS "fromGridCode",
              ST_X(to_geom) AS "toLon", ST_Y(to_geom) AS "toLat", to_grid_code AS "toGridCode"
         FROM registry_move WHERE entity = $1 AND entity_id = $2 ORDER BY at, id`,
      [entity, id],
    );
  }

  /** The path of a current area by code (for `?area=` filters), or undefined. */
  async areaPath(db: EntityManager, code: string): Promise<string | undefined> {
    const row = await sqlRow<Pick<AreaEntity, 'path'>>(db, `SELECT path::text AS path FROM area WHERE code = $1 AND valid_from IS NOT NULL AND valid_to IS NULL LIMIT 1`, [code]);
    return row?.path;
  }
}
