import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { notFound } from '../../core/http/app-exception';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import type { CreateOrg, ListOrgs, UpdateOrg } from './objects-orgs.schemas';
import { OrganizationsRepository, type OrgRow, type OrgWrite } from './organizations.repository';
import { fieldError as field } from './registry-errors';
import { RegistryLocationService } from './registry-location.service';
import { RegistryPiiService, unmaskWanted } from './registry-pii.service';

const WHAT = 'an organization';

/** Organizations (组织): at a place (its grid) or at a point of their own; contact phones masked like people's. */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: OrganizationsRepository,
    private readonly location: RegistryLocationService,
    private readonly pii: RegistryPiiService,
    private readonly audit: AuditService,
  ) {}

  async json(r: OrgRow, unmasked = false) {
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
      location: { lon: r.lon, lat: r.lat },
      grid: { code: r.gridCode, name: r.gridName },
      areaPath: r.areaPath,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }

  create(p: Principal, v: CreateOrg) {
    return this.tx.run(async (tx) => {
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
      const id = await this.repo.insert(tx, w, a);
      const after = await this.json((await this.repo.get(tx, id, null))!);
      await this.audit.write(tx, p, 'create', 'organization', id, null, after, { areaPath: a.areaPath });
      return after;
    });
  }

  async get(p: Principal, id: number, q: { unmask?: boolean; purpose?: string }) {
    const unmask = unmaskWanted(p, q);
    return this.tx.run(async (tx) => {
      const row = await this.repo.get(tx, id, scopeParam(p));
      if (!row) throw notFound('organization', id);
      if (unmask) await this.audit.unmaskedRead(tx, p, 'organization', id, q.purpose!);
      return { ...(await this.json(row, unmask)), history: await this.location.history(tx, 'organization', id) };
    });
  }

  update(p: Principal, id: number, v: UpdateOrg) {
    return this.tx.run(async (tx) => {
      const old = await this.repo.get(tx, id, scopeParam(p), true);
      if (!old) throw notFound('organization', id);
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
      const after = await this.json((await this.repo.get(tx, id, null))!);
      await this.audit.write(tx, p, 'update', 'organization', id, await this.json(old), after, { areaPath: after.areaPath });
      return after;
    });
  }

  async list(p: Principal, q: ListOrgs) {
    const unmask = unmaskWanted(p, q);
    return this.tx.run(async (tx) => {
      const rows = await this.repo.list(tx, {
        scope: scopeParam(p),
        areaPath: await this.location.areaFilter(tx, q.area),
        kind: q.kind ?? null,
        uscc: q.uscc ?? null,
        placeId: q.placeId ?? null,
        q: q.q ?? null,
        afterId: q.afterId ?? 0,
        limit: q.limit,
      });
      if (unmask) for (const r of rows) await this.audit.unmaskedRead(tx, p, 'organization', r.id, q.purpose!);
      const items = [];
      for (const r of rows) items.push(await this.json(r, unmask));
      return { items, nextAfterId: !q.q && rows.length === q.limit ? rows[rows.length - 1].id : null };
    });
  }
}
