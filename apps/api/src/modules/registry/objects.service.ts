import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException, notFound } from '../../core/http/app-exception';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { ObjectsRepository, type ObjectRow } from './objects.repository';
import type { CreateObject, ListObjects, UpdateObject } from './objects-orgs.schemas';
import { RegistryLocationService } from './registry-location.service';

export function objectJson(r: ObjectRow) {
  return {
    id: r.id,
    externalId: r.externalId,
    category: { code: r.categoryCode, name: r.categoryName, major: { code: r.majorCode, name: r.majorName } },
    name: r.name,
    condition: r.condition,
    owner: r.owner,
    departmentCode: r.departmentCode,
    address: r.address,
    location: { lon: r.lon, lat: r.lat },
    grid: { code: r.gridCode, name: r.gridName },
    areaPath: r.areaPath,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** Objects (物): city components with a catalogue code and condition. */
@Injectable()
export class ObjectsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: ObjectsRepository,
    private readonly location: RegistryLocationService,
    private readonly audit: AuditService,
  ) {}

  create(p: Principal, v: CreateObject) {
    return this.tx.run(async (tx) => {
      await this.checkCategory(tx, v.categoryCode);
      const a = await this.location.attribute(tx, p, v.lon, v.lat);
      const id = await this.repo.insert(tx, v, a);
      const after = objectJson((await this.repo.get(tx, id, null))!);
      await this.audit.write(tx, p, 'create', 'object', id, null, after, { areaPath: a.areaPath });
      return after;
    });
  }

  async get(p: Principal, id: number) {
    const row = await this.repo.get(this.tx.manager, id, scopeParam(p));
    if (!row) throw notFound('object', id);
    return { ...objectJson(row), history: await this.location.history(this.tx.manager, 'object', id) };
  }

  update(p: Principal, id: number, v: UpdateObject) {
    return this.tx.run(async (tx) => {
      const before = await this.repo.get(tx, id, scopeParam(p), true);
      if (!before) throw notFound('object', id);
      if (v.categoryCode) await this.checkCategory(tx, v.categoryCode);
      const moves = v.lon !== undefined && v.lat !== undefined && (v.lon !== before.lon || v.lat !== before.lat);
      const a = moves ? await this.location.attribute(tx, p, v.lon!, v.lat!) : null;
      await this.repo.update(tx, id, v, a);
      if (a) await this.location.recordMove(tx, p, 'object', id, before, a);
      const after = objectJson((await this.repo.get(tx, id, null))!);
      await this.audit.write(tx, p, 'update', 'object', id, objectJson(before), after, { areaPath: after.areaPath });
      return after;
    });
  }

  async list(p: Principal, q: ListObjects) {
    const areaPath = await this.location.areaFilter(this.tx.manager, q.area);
    const rows = await this.repo.list(this.tx.manager, q, scopeParam(p), areaPath);
    return { items: rows.map(objectJson), nextAfterId: !q.q && rows.length === q.limit ? rows[rows.length - 1].id : null };
  }

  async categories() {
    return { categories: await this.repo.categories(this.tx.manager) };
  }

  private async checkCategory(tx: EntityManager, code: string) {
    if (!(await this.repo.categoryExists(tx, code))) {
      throw new AppException('VALIDATION_FAILED', `categoryCode: ${code} is not a minor category of the component catalogue`, [{ field: 'body.categoryCode', message: 'unknown minor category' }]);
    }
  }
}
