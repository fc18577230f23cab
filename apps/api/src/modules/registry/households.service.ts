import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { HouseholdsRepository, type HouseholdRow } from './households.repository';
import type { CreateHousehold, ListHouseholds, UpdateHousehold } from './households.schemas';
import { PeopleRepository } from './people.repository';
import { PeopleService } from './people.service';
import { PlacesRepository } from './places.repository';
import { fieldError as field } from './registry-errors';
import { RegistryKindService } from './registry-kind';

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
export class HouseholdsService extends RegistryKindService<HouseholdRow, CreateHousehold, UpdateHousehold, ListHouseholds & { q?: undefined }> {
  protected readonly entity = 'household';

  constructor(
    protected readonly repo: HouseholdsRepository,
    private readonly places: PlacesRepository,
    private readonly people: PeopleRepository,
    private readonly peopleView: PeopleService,
  ) {
    super();
  }

  json(_p: Principal, r: HouseholdRow) {
    return householdJson(r);
  }

  /** Read back in the caller's scope: the member count counts only the members they see. */
  protected override readBack(tx: EntityManager, p: Principal, id: number) {
    return this.repo.get(tx, id, scopeParam(p));
  }

  /** One household with its members instead of a location history (its place has that). */
  protected override async detail(tx: EntityManager, p: Principal, row: HouseholdRow) {
    return { members: await this.members(tx, p, row.householdNo) };
  }

  protected async insert(tx: EntityManager, p: Principal, v: CreateHousehold) {
    if (await this.repo.numberTaken(tx, v.householdNo)) throw field('householdNo', `household ${v.householdNo} is already registered`, 'DUPLICATE');
    await this.checkPlace(tx, p, v.placeId);
    await this.checkHead(tx, p, v.headPersonId ?? null, v.householdNo);
    return { id: await this.repo.insert(tx, { householdNo: v.householdNo, type: v.type, placeId: v.placeId, headPersonId: v.headPersonId ?? null }) };
  }

  protected async write(tx: EntityManager, p: Principal, id: number, before: HouseholdRow, v: UpdateHousehold) {
    const placeId = v.placeId ?? before.placeId;
    const headPersonId = v.headPersonId !== undefined ? v.headPersonId : before.headPersonId;
    if (v.placeId !== undefined) await this.checkPlace(tx, p, v.placeId);
    if (v.headPersonId !== undefined) await this.checkHead(tx, p, v.headPersonId, before.householdNo);
    await this.repo.update(tx, id, { type: v.type ?? before.type, placeId, headPersonId });
  }

  protected async rows(tx: EntityManager, p: Principal, q: ListHouseholds) {
    return this.repo.list(tx, { ...(await this.listFilter(tx, p, q)), type: q.type ?? null, placeId: q.placeId ?? null, householdNo: q.householdNo ?? null });
  }

  private async members(tx: EntityManager, p: Principal, householdNo: string) {
    const rows = await this.people.list(tx, {
      scope: scopeParam(p),
      areaPath: null,
      tag: null,
      registration: null,
      householdNo,
      placeId: null,
      idHmac: null,
      phoneHmac: null,
      q: null,
      afterId: 0,
      limit: MAX_MEMBERS,
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
