import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { notFound } from '../../core/http/app-exception';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { HouseholdsRepository, type HouseholdRow } from './households.repository';
import type { CreateHousehold, ListHouseholds, UpdateHousehold } from './households.schemas';
import { PeopleRepository } from './people.repository';
import { PeopleService } from './people.service';
import { PlacesRepository } from './places.repository';
import { fieldError as field } from './registry-errors';
import { RegistryLocationService } from './registry-location.service';

/** Most members a household answer lists (a household is a family, not a district). */
const MAX_MEMBERS = 200;

export function householdJson(r: HouseholdRow) {
  return {
    id: r.id,
    householdNo: r.householdNo,
    type: r.type,
    place: { id: r.placeId, name: r.placeName, address: r.placeAddress },
    grid: { code: r.gridCode, name: r.gridName },
    areaPath: r.areaPath,
    head: r.headPersonId === null ? null : { id: r.headPersonId, name: r.headName },
    memberCount: r.memberCount,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/**
 * Households (户): registered (户籍) or floating (流动), at a place, with a head. Members are the
 * people who carry the household number; they are listed as the people API shows them (ID and
 * phone numbers masked, special-group tags only with pii:tags). A household is seen and written
 * only inside the jurisdiction of its place.
 */
@Injectable()
export class HouseholdsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: HouseholdsRepository,
    private readonly places: PlacesRepository,
    private readonly people: PeopleRepository,
    private readonly peopleView: PeopleService,
    private readonly location: RegistryLocationService,
    private readonly audit: AuditService,
  ) {}

  create(p: Principal, v: CreateHousehold) {
    return this.tx.run(async (tx) => {
      if (await this.repo.numberTaken(tx, v.householdNo)) throw field('householdNo', `household ${v.householdNo} is already registered`, 'DUPLICATE');
      await this.checkPlace(tx, p, v.placeId);
      await this.checkHead(tx, p, v.headPersonId ?? null, v.householdNo);
      const id = await this.repo.insert(tx, { householdNo: v.householdNo, type: v.type, placeId: v.placeId, headPersonId: v.headPersonId ?? null });
      const after = householdJson((await this.repo.get(tx, id, scopeParam(p)))!);
      await this.audit.write(tx, p, 'create', 'household', id, null, after, { areaPath: after.areaPath });
      return after;
    });
  }

  get(p: Principal, id: number) {
    return this.tx.run(async (tx) => {
      const row = await this.repo.get(tx, id, scopeParam(p));
      if (!row) throw notFound('household', id);
      return { ...householdJson(row), members: await this.members(tx, p, row.householdNo) };
    });
  }

  update(p: Principal, id: number, v: UpdateHousehold) {
    return this.tx.run(async (tx) => {
      const before = await this.repo.get(tx, id, scopeParam(p), true);
      if (!before) throw notFound('household', id);
      const placeId = v.placeId ?? before.placeId;
      const headPersonId = v.headPersonId !== undefined ? v.headPersonId : before.headPersonId;
      if (v.placeId !== undefined) await this.checkPlace(tx, p, v.placeId);
      if (v.headPersonId !== undefined) await this.checkHead(tx, p, v.headPersonId, before.householdNo);
      await this.repo.update(tx, id, { type: v.type ?? before.type, placeId, headPersonId });
      const after = householdJson((await this.repo.get(tx, id, scopeParam(p)))!);
      await this.audit.write(tx, p, 'update', 'household', id, householdJson(before), after, { areaPath: after.areaPath });
      return after;
    });
  }

  async list(p: Principal, q: ListHouseholds) {
    const db = this.tx.manager;
    const rows = await this.repo.list(db, {
      scope: scopeParam(p),
      areaPath: await this.location.areaFilter(db, q.area),
      type: q.type ?? null,
      placeId: q.placeId ?? null,
      householdNo: q.householdNo ?? null,
      afterId: q.afterId ?? 0,
      limit: q.limit,
    });
    return { items: rows.map(householdJson), nextAfterId: rows.length === q.limit ? rows[rows.length - 1].id : null };
  }

  private async members(tx: EntityManager, p: Principal, householdNo: string) {
    const rows = await this.people.list(tx, {
      scope: scopeParam(p), areaPath: null, tag: null, registration: null, householdNo, placeId: null, idHmac: null, phoneHmac: null, q: null, afterId: 0, limit: MAX_MEMBERS,
    });
    const out = [];
    for (const r of rows) {
      const { id, name, idNumber, phone, masked, gender, birthDate, householdRole, registration, placeId, ...rest } = await this.peopleView.json(p, r);
      out.push({ id, name, idNumber, phone, masked, gender, birthDate, householdRole, registration, placeId, ...('tags' in rest ? { tags: rest.tags } : {}) });
    }
    return out;
  }

  /** The household's place: in the caller's jurisdiction (a place outside it is "not found", as everywhere). */
  private async checkPlace(tx: EntityManager, p: Principal, placeId: number) {
    if (!(await this.places.get(tx, placeId, scopeParam(p)))) throw field('placeId', `place ${placeId} not found`);
  }

  /** The head is a person in the caller's jurisdiction who carries the household's number. */
  private async checkHead(tx: EntityManager, p: Principal, personId: number | null, householdNo: string) {
    if (personId === null) return;
    const person = await this.people.get(tx, personId, scopeParam(p));
    if (!person) throw field('headPersonId', `person ${personId} not found`);
    if (person.householdNo !== householdNo) {
      throw field('headPersonId', `person ${personId} is not a member of household ${householdNo} (give the person householdNo ${householdNo} first)`);
    }
  }
}
