import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppException } from '../../core/http/app-exception';
import { AreaLookupService } from '../areas/area-lookup.service';
import type { Principal } from '../auth/principal';
import { RegistryLocationRepository } from './registry-location.repository';
import type { Attribution, RegistryEntity } from './registry.types';

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
  ) {}

  async attribute(tx: EntityManager, p: Principal, lon: number, lat: number, field = 'lon'): Promise<Attribution> {
    const grid = await this.areas.attribute(tx, lon, lat);
    if (!grid) {
      throw new AppException('VALIDATION_FAILED', `${field}: the point (${lon}, ${lat}) lies outside every area of the territory`, [
        { field: `body.${field}`, message: 'outside every area of the territory' },
      ]);
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
