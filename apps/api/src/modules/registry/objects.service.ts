import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppException } from '../../core/http/app-exception';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { ObjectsRepository, type ObjectRow } from './objects.repository';
import type { CreateObject, ListObjects, UpdateObject } from './objects-orgs.schemas';
import { locatedJson, RegistryKindService } from './registry-kind';

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
    ...locatedJson(r),
  };
}

/** Objects (物): city components with a catalogue code and condition. */
@Injectable()
export class ObjectsService extends RegistryKindService<ObjectRow, CreateObject, UpdateObject, ListObjects> {
  protected readonly entity = 'object';

  constructor(protected readonly repo: ObjectsRepository) {
    super();
  }

  json(_p: Principal, r: ObjectRow) {
    return objectJson(r);
  }

  protected async insert(tx: EntityManager, p: Principal, v: CreateObject) {
    await this.checkCategory(tx, v.categoryCode);
    const a = await this.location.attribute(tx, p, v.lon, v.lat);
    return { id: await this.repo.insert(tx, v, a) };
  }

  protected async write(tx: EntityManager, p: Principal, id: number, before: ObjectRow, v: UpdateObject) {
    if (v.categoryCode) await this.checkCategory(tx, v.categoryCode);
    const a = await this.location.attributeIfMoved(tx, p, before, v);
    await this.repo.update(tx, id, v, a);
    if (a) await this.location.recordMove(tx, p, 'object', id, before, a);
  }

  protected async rows(tx: EntityManager, p: Principal, q: ListObjects) {
    return this.repo.list(tx, q, scopeParam(p), await this.location.areaFilter(tx, q.area));
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
