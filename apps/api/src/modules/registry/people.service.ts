import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { residentIdBirthDate, residentIdGender } from '@gc/contracts';
import { AppException } from '../../core/http/app-exception';
import { maskBirthDate } from '../../core/security/pii-crypto';
import { DUPLICATE_ID_ACTION } from '../audit/audit.service';
import { can, type Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { PeopleRepository, type PersonRow, type PersonWrite } from './people.repository';
import type { CreatePerson, ListPeople, UpdatePerson } from './people.schemas';
import { fieldError as field } from './registry-errors';
import { locatedJson, RegistryKindService } from './registry-kind';
import { RegistryLookupService } from './registry-lookup.service';
import { RegistryPiiService } from './registry-pii.service';

const WHAT = 'a person';

type PersonOld = NonNullable<Awaited<ReturnType<PeopleRepository['getForUpdate']>>>;

/**
 * People (人). ID and phone numbers are masked in every answer unless the caller holds
 * pii:unmask AND asks with a purpose (each such read audited); special-group tags only
 * reach callers with pii:tags.
 */
@Injectable()
export class PeopleService extends RegistryKindService<PersonRow, CreatePerson, UpdatePerson, ListPeople, PersonOld> {
  protected readonly entity = 'person';

  constructor(
    protected readonly repo: PeopleRepository,
    private readonly pii: RegistryPiiService,
    private readonly lookup: RegistryLookupService,
  ) {
    super();
  }

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
      ...locatedJson(r),
    };
  }

  /** The stored values (sealed identifiers, hashes), locked: a patch keeps what it does not send. */
  protected override locked(tx: EntityManager, id: number, scope: string | null) {
    return this.repo.getForUpdate(tx, id, scope);
  }

  protected override async before(tx: EntityManager, p: Principal, id: number) {
    return this.json(p, (await this.repo.get(tx, id, null))!);
  }

  protected async insert(tx: EntityManager, p: Principal, v: CreatePerson) {
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
    return { id: newId, after: () => this.reportDuplicate(tx, p, newId, elsewhere, a.areaPath) };
  }

  protected async write(tx: EntityManager, p: Principal, id: number, old: PersonOld, v: UpdatePerson) {
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
    return () => this.reportDuplicate(tx, p, id, elsewhere, a.areaPath);
  }

  protected async rows(tx: EntityManager, p: Principal, q: ListPeople) {
    const lookupBy = this.lookup.wanted(p, q);
    if (q.tag && !can(p, 'pii:tags')) throw new AppException('FORBIDDEN', 'tag: your role does not allow special-group tags (needs pii:tags)', { permission: 'pii:tags' });
    if (lookupBy) await this.lookup.admit(tx, p);
    const rows = await this.repo.list(tx, {
      ...(await this.listFilter(tx, p, q)),
      tag: q.tag ?? null,
      registration: q.registration ?? null,
      householdNo: q.householdNo ?? null,
      placeId: q.placeId ?? null,
      idHmac: q.idNumber ? await this.pii.idHash(q.idNumber) : null,
      phoneHmac: q.phone ? await this.pii.phoneHash(q.phone) : null,
      q: q.q ?? null,
    });
    if (lookupBy)
      await this.lookup.record(
        tx,
        p,
        lookupBy,
        rows.map((r) => r.id),
        q.purpose!,
      );
    return rows;
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
