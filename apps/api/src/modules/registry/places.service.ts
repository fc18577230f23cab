import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppException } from '../../core/http/app-exception';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { PlacesRepository, type PlaceRow } from './places.repository';
import type { CreatePlace, ListPlaces, UpdatePlace } from './places.schemas';
import { RegistryKindService } from './registry-kind';

export function placeJson(r: PlaceRow) {
  return {
    id: r.id,
    externalId: r.externalId,
    kind: r.kind,
    name: r.name,
    address: r.address,
    compound: r.compound,
    building: r.building,
    unit: r.unit,
    floor: r.floor,
    room: r.room,
    parentId: r.parentId,
    location: { lon: r.lon, lat: r.lat },
    footprint: r.footprint ?? null,
    footprintSimplified: r.footprintSimplified ?? false,
    grid: { code: r.gridCode, name: r.gridName },
    areaPath: r.areaPath,
    properties: r.properties,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** Places (地): standard addresses and points of interest, attributed to their grid. */
@Injectable()
export class PlacesService extends RegistryKindService<PlaceRow, CreatePlace, UpdatePlace, ListPlaces> {
  protected readonly entity = 'place';

  constructor(protected readonly repo: PlacesRepository) {
    super();
  }

  json(_p: Principal, r: PlaceRow) {
    return placeJson(r);
  }

  protected async insert(tx: EntityManager, p: Principal, v: CreatePlace) {
    await this.checkParent(tx, p, v.parentId);
    const a = await this.location.attribute(tx, p, v.lon, v.lat);
    return { id: await this.repo.insert(tx, v, a) };
  }

  /** A new point re-attributes the place, records the move, and moves the people living there. */
  protected async write(tx: EntityManager, p: Principal, id: number, before: PlaceRow, v: UpdatePlace) {
    if (v.parentId === id) throw new AppException('VALIDATION_FAILED', 'parentId: a place cannot be its own parent', [{ field: 'body.parentId', message: 'self reference' }]);
    await this.checkParent(tx, p, v.parentId);
    const a = await this.location.attributeIfMoved(tx, p, before, v);
    await this.repo.update(tx, id, v, a);
    if (a) {
      await this.location.recordMove(tx, p, 'place', id, before, a);
      await this.location.followPlace(tx, p, id);
    }
  }

  protected async rows(tx: EntityManager, p: Principal, q: ListPlaces) {
    return this.repo.list(tx, q, scopeParam(p), await this.location.areaFilter(tx, q.area));
  }

  private async checkParent(tx: EntityManager, p: Principal, parentId: number | null | undefined) {
    if (parentId == null) return;
    if (!(await this.repo.get(tx, parentId, scopeParam(p)))) {
      throw new AppException('VALIDATION_FAILED', `parentId: place ${parentId} not found`, [{ field: 'body.parentId', message: 'no such place' }]);
    }
  }
}
