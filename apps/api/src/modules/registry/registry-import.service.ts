import { Injectable } from '@nestjs/common';
import type { ZodType } from 'zod';
import { residentIdBirthDate, residentIdGender } from '@gc/contracts';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import { can, type Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { createObjectSchema, createOrgSchema } from './objects-orgs.schemas';
import { createPersonSchema } from './people.schemas';
import { createPlaceSchema } from './places.schemas';
import { coerceRow, type RawRow } from './registry-import.parse';
import { RegistryImportRepository } from './registry-import.repository';
import { pathInScope } from './registry-location.service';
import { RegistryPiiService } from './registry-pii.service';
import type { RegistryEntity } from './registry.types';

export interface RowProblem {
  row: number;
  field: string;
  reason: string;
}

export interface ImportReport {
  mode: 'all-or-nothing' | 'keep-valid';
  total: number;
  inserted: number;
  updated: number;
  rejected: number;
  committed: boolean;
  errors: RowProblem[];
}

const SCHEMAS: Record<RegistryEntity, ZodType> = { place: createPlaceSchema, person: createPersonSchema, object: createObjectSchema, organization: createOrgSchema };

interface Pending {
  row: number;
  v: Record<string, any>;
}

/**
 * Bulk import from CSV/XLSX rows: every row validated like a single create, all rows
 * attributed in one SQL statement, written in one upsert keyed by externalId.
 * `row` in the report is the spreadsheet line (header = line 1).
 */
@Injectable()
export class RegistryImportService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: RegistryImportRepository,
    private readonly pii: RegistryPiiService,
    private readonly audit: AuditService,
  ) {}

  async run(p: Principal, entity: RegistryEntity, raw: RawRow[], mode: ImportReport['mode']): Promise<ImportReport> {
    const errors: RowProblem[] = [];
    const bad = new Set<number>();
    const fail = (row: number, field: string, reason: string) => {
      errors.push({ row, field, reason });
      bad.add(row);
    };
    const pending: Pending[] = [];
    const seen = new Map<string, number>();
    raw.forEach((r, idx) => {
      const row = idx + 2;
      const parsed = SCHEMAS[entity].safeParse(coerceRow(r));
      if (!parsed.success) {
        for (const i of parsed.error.issues) fail(row, i.code === 'unrecognized_keys' ? i.keys.join(',') : i.path.join('.') || 'row', i.message);
        return;
      }
      const v = parsed.data as Record<string, any>;
      if (!v.externalId) return fail(row, 'externalId', 'required for import (a re-run updates the record with the same externalId)');
      if (seen.has(v.externalId)) return fail(row, 'externalId', `repeats row ${seen.get(v.externalId)}`);
      seen.set(v.externalId, row);
      if (v.tags?.length && !can(p, 'pii:tags')) return fail(row, 'tags', 'your role does not allow special-group tags (needs pii:tags)');
      pending.push({ row, v });
    });

    return this.tx.run(async (tx) => {
      await this.repo.bulkSession(tx);
      const scope = scopeParam(p);
      const foreign = await this.repo.foreignExternalIds(tx, entity, pending.map((x) => x.v.externalId), scope);
      // Point of each row: its own, or its place's (people and organizations without one).
      const places = new Map((await this.repo.places(tx, [...new Set(pending.filter((x) => x.v.lon == null && x.v.placeId).map((x) => x.v.placeId as number))], scope)).map((pl) => [pl.id, pl]));
      const own = pending.filter((x) => x.v.lon != null);
      const located = new Map((await this.repo.attributeAll(tx, own.map((x) => ({ i: x.row, lon: x.v.lon, lat: x.v.lat })))).map((l) => [l.i, l]));
      const categories = entity === 'object' ? await this.repo.minorCategories(tx, pending.map((x) => x.v.categoryCode)) : null;
      // Rows to write, with their spreadsheet line alongside (not inside: object spread and rest on
      // 50k rows cost more than the attribution; these rows are built as plain literals).
      const out: Record<string, unknown>[] = [];
      const lineOf: number[] = [];
      const hmacs = new Map<string, number>();
      for (const x of pending) {
        const v = x.v;
        if (foreign.has(v.externalId)) {
          fail(x.row, 'externalId', 'belongs to a record outside your jurisdiction');
          continue;
        }
        let lon: number, lat: number, gridId: number | null, gridCode: string | null, areaPath: string | null;
        if (v.lon != null) {
          const l = located.get(x.row);
          if (!l?.gridId) {
            fail(x.row, 'lon', 'outside every area of the territory');
            continue;
          }
          [lon, lat, gridId, gridCode, areaPath] = [v.lon, v.lat, l.gridId, l.gridCode, l.areaPath];
        } else {
          const place = v.placeId ? places.get(v.placeId) : undefined;
          if (!place) {
            fail(x.row, 'placeId', v.placeId ? `place ${v.placeId} not found` : 'a place (placeId) or a location (lon, lat) is required');
            continue;
          }
          [lon, lat, gridId, gridCode, areaPath] = [place.lon, place.lat, place.gridId, place.gridCode, place.areaPath];
        }
        if (!pathInScope(areaPath!, scope)) {
          fail(x.row, 'lon', 'outside your jurisdiction');
          continue;
        }
        if (categories && !categories.has(v.categoryCode)) {
          fail(x.row, 'categoryCode', `${v.categoryCode} is not a minor category of the component catalogue`);
          continue;
        }
        const ext = v.externalId;
        if (entity === 'place') {
          out.push({
            external_id: ext, lon, lat, grid_id: gridId, grid_code: gridCode, area_path: areaPath,
            kind: v.kind, name: v.name, address: v.address ?? null, compound: v.compound ?? null, building: v.building ?? null, unit: v.unit ?? null, floor: v.floor ?? null, room: v.room ?? null,
          });
        } else if (entity === 'object') {
          out.push({
            external_id: ext, lon, lat, grid_id: gridId, grid_code: gridCode, area_path: areaPath,
            category_code: v.categoryCode, name: v.name, condition: v.condition, owner: v.owner ?? null, department_code: v.departmentCode ?? null, address: v.address ?? null,
          });
        } else if (entity === 'organization') {
          out.push({
            external_id: ext, lon, lat, grid_id: gridId, grid_code: gridCode, area_path: areaPath,
            kind: v.kind, name: v.name, uscc: v.uscc ?? null, address: v.address ?? null, place_id: v.placeId ?? null,
            contact_name: v.contactName ?? null, contact_phone_enc: (await this.pii.sealPhone(v.contactPhone)).enc, own_location: v.lon != null,
          });
        } else {
          const id = await this.pii.sealId(v.idNumber);
          const phone = await this.pii.sealPhone(v.phone);
          if (id.hmac && hmacs.has(id.hmac)) {
            fail(x.row, 'idNumber', `same ID number as row ${hmacs.get(id.hmac)}`);
            continue;
          }
          if (id.hmac) hmacs.set(id.hmac, x.row);
          out.push({
            external_id: ext, lon, lat, grid_id: gridId, grid_code: gridCode, area_path: areaPath,
            name: v.name, id_number_enc: id.enc, id_number_hmac: id.hmac, phone_enc: phone.enc, phone_hmac: phone.hmac,
            gender: v.gender ?? (v.idNumber ? residentIdGender(v.idNumber) : null), birth_date: v.birthDate ?? (v.idNumber ? residentIdBirthDate(v.idNumber) : null),
            household_no: v.householdNo ?? null, household_role: v.householdRole ?? null, registration: v.registration, place_id: v.placeId ?? null,
            tags: v.tags ?? [], own_location: v.lon != null,
          });
        }
        lineOf.push(x.row);
      }
      await this.uniqueness(tx, entity, out, lineOf, fail);
      const good = bad.size ? out.filter((_, k) => !bad.has(lineOf[k])) : out;
      const report: ImportReport = { mode, total: raw.length, inserted: 0, updated: 0, rejected: bad.size, committed: false, errors: errors.sort((a, b) => a.row - b.row) };
      if (mode === 'all-or-nothing' && bad.size) return report;
      const n = await this.repo.upsert(tx, entity, good, p.name);
      await this.repo.flushGin(tx, entity);
      await this.audit.write(tx, p, 'import', entity, null, null, { mode, total: raw.length, inserted: n.inserted, updated: n.updated, rejected: bad.size, externalIds: good.map((r) => r.external_id) });
      return { ...report, ...n, committed: true };
    });
  }

  /** ID numbers and credit codes held by a record with another externalId are row errors, not a failed statement. */
  private async uniqueness(
    tx: Parameters<RegistryImportRepository['takenBy']>[0],
    entity: RegistryEntity,
    out: Record<string, unknown>[],
    lineOf: number[],
    fail: (row: number, field: string, reason: string) => void,
  ) {
    if (entity !== 'person' && entity !== 'organization') return;
    const [column, fieldName] = entity === 'person' ? (['id_number_hmac', 'idNumber'] as const) : (['uscc', 'uscc'] as const);
    const values = out.map((r) => r[column] as string | null).filter((v): v is string => !!v);
    const taken = await this.repo.takenBy(tx, entity, column, values);
    out.forEach((r, k) => {
      const v = r[column] as string | null;
      if (v && taken.has(v) && taken.get(v) !== r.external_id) fail(lineOf[k], fieldName, 'already registered on another record');
    });
  }
}
