import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppException } from '../../core/http/app-exception';
import { AreaLookupService } from '../areas/area-lookup.service';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { PlacesRepository } from './places.repository';
import { fieldError } from './registry-errors';
import { RegistryLocationRepository } from './registry-location.repository';
import type { Attribution, RegistryEntity } from './registry.types';

/** Where a record living at a place (or at a point of its own) is now: people and organizations. */
export interface PlacedRecord {
  placeId: number | null;
  ownLocation: boolean;
  lon: number;
  lat: number;
  gridId: number;
  gridCode: string;
  areaPath: string;
}

/** True when `path` is the scope itself or under it (ltree `<@`), null scope = whole territory. */
export function pathInScope(path: string, scope: string | null): boolean {
  return scope === null || path === scope || path.startsWith(scope + '.');
}

/**
 * Attribution of registry records to grids, inside the writing transaction, and the
 * rules around it: a point outside every area is a 400 naming the field; a point outside
 * the caller's jurisdiction is refused; moves are written to the history.
 */
@Injectable()
export class RegistryLocationService {
  constructor(
    private readonly areas: AreaLookupService,
    private readonly repo: RegistryLocationRepository,
    private readonly places: PlacesRepository,
  ) {}

  /**
   * The point of a record that lives at a place: its own (lon, lat) when given, else its place's
   * (then it follows the place when the place moves). The place must be in the caller's jurisdiction;
   * one of the two is required (`what` names the record in that message: "a person").
   */
  async atPlaceOrPoint(tx: EntityManager, p: Principal, what: string, placeId: number | null, lon: number | null, lat: number | null): Promise<Attribution> {
    let place;
    if (placeId != null) {
      place = await this.places.get(tx, placeId, scopeParam(p));
      if (!place) throw fieldError('placeId', `place ${placeId} not found`);
    }
    if (lon != null && lat != null) return this.attribute(tx, p, lon, lat);
    if (!place) throw fieldError('placeId', `${what} needs a place (placeId) or a location of its own (lon, lat)`);
    return { lon: place.lon, lat: place.lat, gridId: place.gridId, gridCode: place.gridCode, gridName: place.gridName ?? '', areaPath: place.areaPath };
  }

  /**
   * A PATCH of a record at a place: where it is after the patch (placeId and lon/lat as sent; lon
   * null = back to its place's point), attributed again only when one of them was sent.
   */
  async relocation(tx: EntityManager, p: Principal, what: string, old: PlacedRecord, v: { placeId?: number | null; lon?: number | null; lat?: number | null }) {
    const placeId = v.placeId !== undefined ? v.placeId : old.placeId;
    const ownLocation = v.lon !== undefined ? v.lon !== null : old.ownLocation;
    const a: Attribution =
      v.lon !== undefined || v.placeId !== undefined
        ? await this.atPlaceOrPoint(tx, p, what, placeId, ownLocation ? (v.lon ?? old.lon) : null, ownLocation ? (v.lat ?? old.lat) : null)
        : { lon: old.lon, lat: old.lat, gridId: old.gridId, gridCode: old.gridCode, gridName: '', areaPath: old.areaPath };
    return { a, placeId, ownLocation };
  }

  /** Write a move row when the point or the grid changed. */
  async recordMoveIfMoved(tx: EntityManager, p: Principal, entity: RegistryEntity, entityId: number, old: PlacedRecord, a: Attribution): Promise<void> {
    if (a.lon !== old.lon || a.lat !== old.lat || a.gridId !== old.gridId) await this.recordMove(tx, p, entity, entityId, old, a);
  }

  /** A located record's new point when a patch moves it (lon and lat sent and different), attributed; else null. */
  async attributeIfMoved(tx: EntityManager, p: Principal, before: { lon: number; lat: number }, v: { lon?: number; lat?: number }): Promise<Attribution | null> {
    const moves = v.lon !== undefined && v.lat !== undefined && (v.lon !== before.lon || v.lat !== before.lat);
    return moves ? this.attribute(tx, p, v.lon!, v.lat!) : null;
  }

  async attribute(tx: EntityManager, p: Principal, lon: number, lat: number, field = 'lon'): Promise<Attribution> {
    const grid = await this.areas.attribute(tx, lon, lat);
    if (!grid) {
      throw new AppException('VALIDATION_FAILED', `${field}: the point (${lon}, ${lat}) lies outside every area of the territory`, [{ field: `body.${field}`, message: 'outside every area of the territory' }]);
    }
    if (!pathInScope(grid.path, p.scopePath)) {
      throw new AppException('FORBIDDEN', `${field}: the point lies outside your jurisdiction`, [{ field: `body.${field}`, message: 'outside your jurisdiction' }]);
    }
    return { lon, lat, gridId: grid.id, gridCode: grid.code, gridName: grid.name, areaPath: grid.path };
  }

  recordMove(
    tx: EntityManager,
    p: Principal,
    entity: RegistryEntity,
    entityId: number,
    from: { lon: number; lat: number; gridCode: string; areaPath: string },
    to: { lon: number; lat: number; gridCode: string; areaPath: string },
  ) {
    return this.repo.recordMove(tx, { entity, entityId, reason: 'move', actorName: p.name }, from, to);
  }

  followPlace(tx: EntityManager, p: Principal, placeId: number) {
    return this.repo.followPlace(tx, placeId, p.name);
  }

  history(db: EntityManager, entity: RegistryEntity, id: number) {
    return this.repo.history(db, entity, id);
  }

  /** `?area=<code>` → its path; an unknown code is a 400 naming the parameter. */
  async areaFilter(db: EntityManager, code: string | undefined): Promise<string | null> {
    if (!code) return null;
    const path = await this.repo.areaPath(db, code);
    if (!path) throw new AppException('VALIDATION_FAILED', `area: no current area has code ${code}`, [{ field: 'query.area', message: 'unknown area code' }]);
    return path;
  }
}
