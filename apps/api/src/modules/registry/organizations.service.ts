import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';
import type { CreateOrg, ListOrgs, UpdateOrg } from './objects-orgs.schemas';
import { OrganizationsRepository, type OrgRow, type OrgWrite } from './organizations.repository';
import { fieldError as field } from './registry-errors';
import { locatedJson, RegistryKindService } from './registry-kind';
import { RegistryPiiService } from './registry-pii.service';

const WHAT = 'an organization';

/** Organizations (组织): at a place (its grid) or at a point of their own; contact phones masked like people's. */
@Injectable()
export class OrganizationsService extends RegistryKindService<OrgRow, CreateOrg, UpdateOrg, ListOrgs> {
  protected readonly entity = 'organization';

  constructor(
    protected readonly repo: OrganizationsRepository,
    private readonly pii: RegistryPiiService,
  ) {
    super();
  }

  async json(_p: Principal, r: OrgRow, unmasked = false) {
    return {
      id: r.id,
      externalId: r.externalId,
      kind: r.kind,
      name: r.name,
      uscc: r.uscc,
      address: r.address,
      placeId: r.placeId,
      contacts: { name: r.contactName, phone: await this.pii.showPhone(r.contactPhoneEnc, unmasked) },
      ownLocation: r.ownLocation,
      ...locatedJson(r),
    };
  }

  protected async insert(tx: EntityManager, p: Principal, v: CreateOrg) {
    if (v.uscc && (await this.repo.usccTaken(tx, v.uscc, null))) throw field('uscc', 'an organization with this code is already registered', 'DUPLICATE');
    const a = await this.location.atPlaceOrPoint(tx, p, WHAT, v.placeId ?? null, v.lon ?? null, v.lat ?? null);
    const w: OrgWrite = {
      externalId: v.externalId ?? null,
      kind: v.kind,
      name: v.name,
      uscc: v.uscc ?? null,
      address: v.address ?? null,
      placeId: v.placeId ?? null,
      contactName: v.contactName ?? null,
      contactPhoneEnc: (await this.pii.sealPhone(v.contactPhone)).enc,
      ownLocation: v.lon != null,
    };
    return { id: await this.repo.insert(tx, w, a) };
  }

  protected async write(tx: EntityManager, p: Principal, id: number, old: OrgRow, v: UpdateOrg) {
    if (v.uscc && (await this.repo.usccTaken(tx, v.uscc, id))) throw field('uscc', 'an organization with this code is already registered', 'DUPLICATE');
    const { a, placeId, ownLocation } = await this.location.relocation(tx, p, WHAT, old, v);
    const w: OrgWrite = {
      kind: v.kind ?? old.kind,
      name: v.name ?? old.name,
      uscc: v.uscc !== undefined ? v.uscc : old.uscc,
      address: v.address !== undefined ? v.address : old.address,
      placeId,
      contactName: v.contactName !== undefined ? v.contactName : old.contactName,
      contactPhoneEnc: v.contactPhone !== undefined ? (await this.pii.sealPhone(v.contactPhone)).enc : old.contactPhoneEnc,
      ownLocation,
    };
    await this.repo.update(tx, id, w, a);
    await this.location.recordMoveIfMoved(tx, p, 'organization', id, old, a);
  }

  protected async rows(tx: EntityManager, p: Principal, q: ListOrgs) {
    return this.repo.list(tx, { ...(await this.listFilter(tx, p, q)), kind: q.kind ?? null, uscc: q.uscc ?? null, placeId: q.placeId ?? null, q: q.q ?? null });
  }
}
