import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException, notFound } from '../../core/http/app-exception';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { RegistryLocationService } from './registry-location.service';
import { PlacesRepository, type PlaceRow } from './places.repository';
import type { CreatePlace, ListPlaces, UpdatePlace } from './places.schemas';

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
export class PlacesService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: PlacesRepository,
    private readonly location: RegistryLocationService,
    private readonly audit: AuditService,
  ) {}

  create(p: Principal, v: CreatePlace) {
    return this.tx.run(async (tx) => {
      await this.checkParent(tx, p, v.parentId);
      const a = await this.location.attribute(tx, p, v.lon, v.lat);
      const id = await this.repo.insert(tx, v, a);
      const after = placeJson((await this.repo.get(tx, id, null))!);
      await this.audit.write(tx, p, 'create', 'place', id, null, after, { areaPath: a.areaPath });
      return after;
    });
  }

  async get(p: Principal, id: number) {
    const row = await this.repo.get(this.tx.manager, id, scopeParam(p));
    if (!row) throw notFound('place', id);
    return { ...placeJson(row), history: await this.location.history(this.tx.manager, 'place', id) };
  }

  update(p: Principal, id: number, v: UpdatePlace) {
    return this.tx.run(async (tx) => {
      const before = await this.repo.get(tx, id, scopeParam(p), true);
      if (!before) throw notFound('place', id);
      if (v.parentId === id) throw new AppException('VALIDATION_FAILED', 'parentId: a place cannot be its own parent', [{ field: 'body.parentId', message: 'self reference' }]);
      await this.checkParent(tx, p, v.parentId);
      const moves = v.lon !== undefined && v.lat !== undefined && (v.lon !== before.lon || v.lat !== before.lat);
      const a = moves ? await this.location.attribute(tx, p, v.lon!, v.lat!) : null;
      await this.repo.update(tx, id, v, a);
      if (a) {
        await this.location.recordMove(tx, p, 'place', id, before, a);
        await this.location.followPlace(tx, p, id);
      }
      const after = placeJson((await this.repo.get(tx, id, null))!);
      await this.audit.write(tx, p, 'update', 'place', id, placeJson(before), after, { areaPath: after.areaPath });
      return after;
    });
  }

  async list(p: Principal, q: ListPlaces) {
    const areaPath = await this.location.areaFilter(this.tx.manager, q.area);
    const rows = await this.repo.list(this.tx.manager, q, scopeParam(p), areaPath);
    return { items: rows.map(placeJson), nextAfterId: !q.q && rows.length === q.limit ? rows[rows.length - 1].id : null };
  }

  private async checkParent(tx: EntityManager, p: Principal, parentId: number | null | undefined) {
    if (parentId == null) return;
    if (!(await this.repo.get(tx, parentId, scopeParam(p)))) {
      throw new AppException('VALIDATION_FAILED', `parentId: place ${parentId} not found`, [{ field: 'body.parentId', message: 'no such place' }]);
    }
  }
}
