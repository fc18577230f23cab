import { Controller, Get, HttpCode, Inject, Patch, Post, type Type } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { notFound } from '../../core/http/app-exception';
import { ZBody, ZParams, ZQuery } from '../../core/http/zod';
import { AuditService } from '../audit/audit.service';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { idParams } from './registry.schemas';
import type { RegistryEntity } from './registry.types';
import { RegistryLocationService } from './registry-location.service';
import { type RegistryPiiService, unmaskWanted } from './registry-pii.service';

/**
 * One registry kind, declared once (registry-kinds.ts): its URL, table, audit name, the zod
 * schemas that validate and document its routes, and the service behind them. The controller
 * (registryKindController) and the create/get/update/list flow (RegistryKindService) are shared.
 */
export interface RegistryKind {
  /** URL segment under /api (`people` → /api/people). */
  path: string;
  /** The record's name in the audit log, history and "not found" messages. */
  entity: 'place' | 'person' | 'object' | 'organization' | 'household';
  /** Its table (fixed identifier, never from input). */
  table: string;
  /** The controller's class name (OpenAPI operation ids are `<name>_<method>`). */
  controller: string;
  create: z.ZodType;
  update: z.ZodType;
  list: z.ZodObject<any>;
  /** Query of GET /:id (the unmask switch where the kind holds personal data); none = ignored. */
  getQuery?: z.ZodObject<any>;
  /** CSV/XLSX import (POST /api/<path>/import), keyed by externalId; rows are checked with `create`. */
  import?: {
    /** Columns the import writes after external_id (fixed identifiers and SQL types; values travel as one jsonb parameter). */
    columns: [string, string][];
    /** The stored row for one valid input row at its attributed point: plain literals (50k rows a chunk). */
    row(v: Record<string, any>, at: ImportAt, pii: RegistryPiiService): Record<string, unknown> | Promise<Record<string, unknown>>;
  };
}

/** Where an imported row is: its own point or its place's, attributed. */
export interface ImportAt {
  ext: string;
  lon: number;
  lat: number;
  gridId: number | null;
  gridCode: string | null;
  areaPath: string | null;
}

type Query = { unmask?: boolean; purpose?: string; q?: string; limit: number };
type Json = { id: number; areaPath: string | null };
/** Work a hook leaves for after the audit entry of the write (a duplicate report that must follow it). */
type After = (() => Promise<void>) | void;

/**
 * The write and read flow every registry kind shares: one transaction per write, "not found" for
 * rows outside the caller's jurisdiction, the audit entry with the answer before and after, unmasked
 * reads audited per record, keyset pages. A kind supplies its row reads and writes and its JSON.
 */
export abstract class RegistryKindService<Row extends { id: number }, Create, Update, List extends Query, Old = Row> {
  @Inject(TransactionRunner) protected readonly tx!: TransactionRunner;
  @Inject(AuditService) protected readonly audit!: AuditService;
  @Inject(RegistryLocationService) protected readonly location!: RegistryLocationService;

  protected abstract readonly entity: RegistryKind['entity'];
  /** The answer for one row (`unmasked` only after unmaskWanted allowed it). */
  abstract json(p: Principal, r: Row, unmasked?: boolean): Json | Promise<Json>;
  /** The kind's repository: one row in `scope` (null: any), locked with `forUpdate`. */
  protected abstract readonly repo: { get(db: EntityManager, id: number, scope: string | null, forUpdate?: boolean): Promise<Row | undefined> };
  /** Checks and inserts a new record; its id. */
  protected abstract insert(tx: EntityManager, p: Principal, v: Create): Promise<{ id: number; after?: After }>;
  /** Checks and writes a patch over `old` (as `locked` read it). */
  protected abstract write(tx: EntityManager, p: Principal, id: number, old: Old, v: Update): Promise<After>;
  /** One page of rows for a list query. */
  protected abstract rows(tx: EntityManager, p: Principal, q: List): Promise<Row[]>;

  protected read(tx: EntityManager, id: number, scope: string | null, forUpdate?: boolean): Promise<Row | undefined> {
    return this.repo.get(tx, id, scope, forUpdate);
  }

  /** What every list filters by: the caller's jurisdiction, an area under it, the keyset page. */
  protected async listFilter(tx: EntityManager, p: Principal, q: { area?: string; afterId?: number; limit: number }) {
    return { scope: scopeParam(p), areaPath: await this.location.areaFilter(tx, q.area), afterId: q.afterId ?? 0, limit: q.limit };
  }

  /** The row an update starts from, locked. */
  protected locked(tx: EntityManager, id: number, scope: string | null): Promise<Old | undefined> {
    return this.read(tx, id, scope, true) as Promise<Old | undefined>;
  }

  /** The answer before an update (audited next to the one after it). */
  protected async before(tx: EntityManager, p: Principal, id: number, old: Old): Promise<Json> {
    return this.json(p, old as unknown as Row);
  }

  /** The row read back after a write (households count members in the caller's scope). */
  protected readBack(tx: EntityManager, p: Principal, id: number): Promise<Row | undefined> {
    return this.read(tx, id, null);
  }

  /** What GET /:id adds to the row's answer: its location history by default. */
  protected async detail(tx: EntityManager, p: Principal, row: Row): Promise<object> {
    return { history: await this.location.history(tx, this.entity as RegistryEntity, row.id) };
  }

  create(p: Principal, v: Create) {
    return this.tx.run(async (tx) => {
      const { id, after: then } = await this.insert(tx, p, v);
      const after = await this.json(p, (await this.readBack(tx, p, id))!);
      await this.audit.write(tx, p, 'create', this.entity, id, null, after, { areaPath: after.areaPath });
      if (then) await then();
      return after;
    });
  }

  get(p: Principal, id: number, q: { unmask?: boolean; purpose?: string } = {}) {
    const unmask = unmaskWanted(p, q);
    return this.tx.run(async (tx) => {
      const row = await this.read(tx, id, scopeParam(p));
      if (!row) throw notFound(this.entity, id);
      if (unmask) await this.audit.unmaskedRead(tx, p, this.entity, id, q.purpose!);
      return { ...(await this.json(p, row, unmask)), ...(await this.detail(tx, p, row)) };
    });
  }

  update(p: Principal, id: number, v: Update) {
    return this.tx.run(async (tx) => {
      const old = await this.locked(tx, id, scopeParam(p));
      if (!old) throw notFound(this.entity, id);
      const before = await this.before(tx, p, id, old);
      const then = await this.write(tx, p, id, old, v);
      const after = await this.json(p, (await this.readBack(tx, p, id))!);
      await this.audit.write(tx, p, 'update', this.entity, id, before, after, { areaPath: after.areaPath });
      if (then) await then();
      return after;
    });
  }

  list(p: Principal, q: List) {
    const unmask = unmaskWanted(p, q);
    return this.tx.run(async (tx) => {
      const rows = await this.rows(tx, p, q);
      if (unmask) for (const r of rows) await this.audit.unmaskedRead(tx, p, this.entity, r.id, q.purpose!);
      const items = [];
      for (const r of rows) items.push(await this.json(p, r, unmask));
      return { items, nextAfterId: !q.q && rows.length === q.limit ? rows[rows.length - 1].id : null };
    });
  }
}

/** Where a located record is, as every answer shows it. */
export function locatedJson(r: { lon: number; lat: number; gridCode: string | null; gridName: string | null; areaPath: string; createdAt: Date; updatedAt: Date }) {
  return { location: { lon: r.lon, lat: r.lat }, grid: { code: r.gridCode, name: r.gridName }, areaPath: r.areaPath, createdAt: r.createdAt, updatedAt: r.updatedAt };
}

/** GET /:id of a kind without a query of its own: any query string is ignored, as before. */
const noQuery = z.object({});

/**
 * The controller of a kind: POST /api/<path>, GET /api/<path>, GET and PATCH /api/<path>/:id, each
 * validated and documented by the kind's schemas. A kind with routes of its own extends it.
 */
export function registryKindController(kind: RegistryKind, serviceType: Type<RegistryKindService<any, any, any, any>>) {
  const getQuery = kind.getQuery ?? noQuery;
  type Service = RegistryKindService<any, unknown, unknown, any>;

  @ApiTags('registry')
  @Controller(`api/${kind.path}`)
  class KindController {
    constructor(@Inject(serviceType) readonly service: Service) {}

    @Post()
    @HttpCode(201)
    @Requires('registry:write')
    create(@CurrentPrincipal() p: Principal, @ZBody(kind.create) body: unknown) {
      return this.service.create(p, body);
    }

    @Get()
    @Requires('registry:read')
    list(@CurrentPrincipal() p: Principal, @ZQuery(kind.list) q: Query) {
      return this.service.list(p, q);
    }

    @Get(':id')
    @Requires('registry:read')
    get(@CurrentPrincipal() p: Principal, @ZParams(idParams) { id }: z.output<typeof idParams>, @ZQuery(getQuery) q: { unmask?: boolean; purpose?: string }) {
      return this.service.get(p, id, q);
    }

    @Patch(':id')
    @Requires('registry:write')
    update(@CurrentPrincipal() p: Principal, @ZParams(idParams) { id }: z.output<typeof idParams>, @ZBody(kind.update) body: unknown) {
      return this.service.update(p, id, body);
    }
  }
  Object.defineProperty(KindController, 'name', { value: kind.controller });
  return KindController;
}
