import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { residentIdBirthDate, residentIdGender } from '@gc/contracts';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException, notFound } from '../../core/http/app-exception';
import { maskBirthDate } from '../../core/security/pii-crypto';
import { AuditService, DUPLICATE_ID_ACTION } from '../audit/audit.service';
import { can, type Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { PeopleRepository, type PersonRow, type PersonWrite } from './people.repository';
import type { CreatePerson, GetPersonQuery, ListPeople, UpdatePerson } from './people.schemas';
import { fieldError as field } from './registry-errors';
import { RegistryLocationService } from './registry-location.service';
import { RegistryLookupService } from './registry-lookup.service';
import { RegistryPiiService, unmaskWanted } from './registry-pii.service';

const WHAT = 'a person';

/**
 * People (人). ID and phone numbers are masked in every answer unless the caller holds
 * pii:unmask AND asks with a purpose (each such read audited); special-group tags only
 * reach callers with pii:tags.
 */
@Injectable()
export class PeopleService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: PeopleRepository,
    private readonly location: RegistryLocationService,
    private readonly pii: RegistryPiiService,
    private readonly audit: AuditService,
    private readonly lookup: RegistryLookupService,
  ) {}

  async json(p: Principal, r: PersonRow, unmasked = false) {
    return {
      id: r.id,
      externalId: r.externalId,
      name: r.name,
      idNumber: await this.pii.showId(r.idNumberEnc, unmasked),
      phone: await this.pii.showPhone(r.phoneEnc, unmasked),
      masked: !unmasked,
      gender: r.gender,
      // the masked view carries the year only: with the clear date the masked ID number leaves a handful of candidates
      birthDate: unmasked ? r.birthDate : maskBirthDate(r.birthDate),
      householdNo: r.householdNo,
      householdRole: r.householdRole,
      registration: r.registration,
      placeId: r.placeId,
      ...(can(p, 'pii:tags') ? { tags: r.tags } : {}),
      ownLocation: r.ownLocation,
      location: { lon: r.lon, lat: r.lat },
      grid: { code: r.gridCode, name: r.gridName },
      areaPath: r.areaPath,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }

  create(p: Principal, v: CreatePerson) {
    return this.tx.run(async (tx) => {
      const id = v.idNumber ? await this.pii.sealId(v.idNumber) : { enc: null, hmac: null };
      const phone = await this.pii.sealPhone(v.phone);
      const tags = await this.checkTags(tx, p, v.tags ?? []);
      const a = await this.location.atPlaceOrPoint(tx, p, WHAT, v.placeId ?? null, v.lon ?? null, v.lat ?? null);
      const w: PersonWrite = {
        externalId: v.externalId ?? null,
        name: v.name,
        idNumberEnc: id.enc,
        idNumberHmac: id.hmac,
        phoneEnc: phone.enc,
        phoneHmac: phone.hmac,
        gender: v.gender ?? (v.idNumber ? residentIdGender(v.idNumber) : null),
        birthDate: v.birthDate ?? (v.idNumber ? residentIdBirthDate(v.idNumber) : null),
        householdNo: v.householdNo ?? null,
        householdRole: v.householdRole ?? null,
        registration: v.registration,
        placeId: v.placeId ?? null,
        tags,
        ownLocation: v.lon != null,
      };
      if (w.externalId && (await this.repo.externalIdTaken(tx, w.externalId))) throw field('externalId', 'already used by another person', 'DUPLICATE');
      const elsewhere = await this.checkIdFree(tx, p, w.idNumberHmac, null);
      const newId = await this.unique(() => this.repo.insert(tx, w, a));
      const after = await this.json(p, (await this.repo.get(tx, newId, null))!);
      await this.audit.write(tx, p, 'create', 'person', newId, null, after, { areaPath: a.areaPath });
      await this.reportDuplicate(tx, p, newId, elsewhere, a.areaPath);
      return after;
    });
  }

  async get(p: Principal, id: number, q: GetPersonQuery) {
    const unmask = unmaskWanted(p, q);
    return this.tx.run(async (tx) => {
      const row = await this.repo.get(tx, id, scopeParam(p));
      if (!row) throw notFound('person', id);
      if (unmask) await this.audit.unmaskedRead(tx, p, 'person', id, q.purpose!);
      return { ...(await this.json(p, row, unmask)), history: await this.location.history(tx, 'person', id) };
    });
  }

  update(p: Principal, id: number, v: UpdatePerson) {
    return this.tx.run(async (tx) => {
      const old = await this.repo.getForUpdate(tx, id, scopeParam(p));
      if (!old) throw notFound('person', id);
      const before = await this.json(p, (await this.repo.get(tx, id, null))!);
      const sealedId = v.idNumber !== undefined ? await this.pii.sealId(v.idNumber) : { enc: old.idNumberEnc, hmac: old.idNumberHmac };
      const sealedPhone = v.phone !== undefined ? await this.pii.sealPhone(v.phone) : { enc: old.phoneEnc, hmac: old.phoneHmac };
      const tags = v.tags !== undefined ? await this.checkTags(tx, p, v.tags) : old.tags;
      const { a, placeId, ownLocation } = await this.location.relocation(tx, p, WHAT, old, v);
      const w: PersonWrite = {
        ...old,
        name: v.name ?? old.name,
        idNumberEnc: sealedId.enc,
        idNumberHmac: sealedId.hmac,
        phoneEnc: sealedPhone.enc,
        phoneHmac: sealedPhone.hmac,
        gender: v.gender !== undefined ? v.gender : old.gender,
        birthDate: v.birthDate !== undefined ? v.birthDate : old.birthDate,
        householdNo: v.householdNo !== undefined ? v.householdNo : old.householdNo,
        householdRole: v.householdRole !== undefined ? v.householdRole : old.householdRole,
        registration: v.registration ?? old.registration,
        placeId,
        tags,
        ownLocation,
      };
      const elsewhere = v.idNumber !== undefined ? await this.checkIdFree(tx, p, w.idNumberHmac, id) : [];
      await this.unique(() => this.repo.update(tx, id, w, a));
      await this.location.recordMoveIfMoved(tx, p, 'person', id, old, a);
      const after = await this.json(p, (await this.repo.get(tx, id, null))!);
      await this.audit.write(tx, p, 'update', 'person', id, before, after, { areaPath: after.areaPath });
      await this.reportDuplicate(tx, p, id, elsewhere, after.areaPath);
      return after;
    });
  }

  async list(p: Principal, q: ListPeople) {
    const unmask = unmaskWanted(p, q);
    const lookupBy = this.lookup.wanted(p, q);
    if (q.tag && !can(p, 'pii:tags')) throw new AppException('FORBIDDEN', 'tag: your role does not allow special-group tags (needs pii:tags)', { permission: 'pii:tags' });
    return this.tx.run(async (tx) => {
      if (lookupBy) await this.lookup.admit(tx, p);
      const rows = await this.repo.list(tx, {
        scope: scopeParam(p),
        areaPath: await this.location.areaFilter(tx, q.area),
        tag: q.tag ?? null,
        registration: q.registration ?? null,
        householdNo: q.householdNo ?? null,
        placeId: q.placeId ?? null,
        idHmac: q.idNumber ? await this.pii.idHash(q.idNumber) : null,
        phoneHmac: q.phone ? await this.pii.phoneHash(q.phone) : null,
        q: q.q ?? null,
        afterId: q.afterId ?? 0,
        limit: q.limit,
      });
      if (lookupBy) await this.lookup.record(tx, p, lookupBy, rows.map((r) => r.id), q.purpose!);
      if (unmask) for (const r of rows) await this.audit.unmaskedRead(tx, p, 'person', r.id, q.purpose!);
      const items = [];
      for (const r of rows) items.push(await this.json(p, r, unmask));
      return { items, nextAfterId: !q.q && rows.length === q.limit ? rows[rows.length - 1].id : null };
    });
  }

  async tags(p: Principal) {
    if (!can(p, 'pii:tags')) throw new AppException('FORBIDDEN', 'your role does not allow special-group tags (needs pii:tags)', { permission: 'pii:tags' });
    return { tags: await this.repo.tagList(this.tx.manager) };
  }

  private async checkTags(tx: EntityManager, p: Principal, tags: string[]): Promise<string[]> {
    if (tags.length && !can(p, 'pii:tags')) throw field('tags', 'your role does not allow special-group tags (needs pii:tags)', 'FORBIDDEN');
    const unknown = await this.repo.unknownTags(tx, tags);
    if (unknown.length) throw field('tags', `unknown tag(s): ${unknown.join(', ')}`);
    return [...new Set(tags)];
  }

  /**
   * An ID number is unique within what the caller sees: one held by a person in their
   * jurisdiction is a 409. One held only outside it is registered all the same, exactly as a new
   * number (a refusal would confirm that the number exists elsewhere: an oracle across
   * jurisdictions), and the pair is reported in the audit log for someone who sees both to
   * merge. Returns the ids of those outside holders.
   */
  private async checkIdFree(tx: EntityManager, p: Principal, hmac: string | null, exceptId: number | null): Promise<number[]> {
    if (!hmac) return [];
    const holders = await this.repo.idNumberHolders(tx, hmac, exceptId, scopeParam(p));
    if (holders.some((h) => h.visible)) throw field('idNumber', 'a person with this ID number is already registered', 'DUPLICATE');
    return holders.map((h) => h.id);
  }

  private async reportDuplicate(tx: EntityManager, p: Principal, id: number, others: number[], areaPath: string): Promise<void> {
    if (others.length) await this.audit.write(tx, p, DUPLICATE_ID_ACTION, 'person', id, null, { samePersonAs: others }, { areaPath });
  }

  private async unique<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      const c = (e as { driverError?: { constraint?: string }; constraint?: string }).driverError?.constraint ?? (e as { constraint?: string }).constraint;
      if (c === 'person_external_id_key') throw field('externalId', 'already used by another person', 'DUPLICATE');
      throw e;
    }
  }
}
