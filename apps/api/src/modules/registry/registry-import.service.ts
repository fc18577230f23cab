import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AuditService, DUPLICATE_ID_ACTION } from '../audit/audit.service';
import { can, type Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import type { Cells, UploadRows } from './registry-import.parse';
import { type Located, RegistryImportRepository } from './registry-import.repository';
import { pathInScope } from './registry-location.service';
import { LOCATED_KINDS } from './registry-kinds';
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

/** Rows per upsert statement: a small first chunk (its attribution cannot overlap a write), then larger ones. */
const FIRST_CHUNK = 5000;
const CHUNK = 15000;
/**
 * An upload of at least INITIAL_LOAD_MIN rows into a table holding fewer than INITIAL_LOAD_SHARE
 * of that many is an initial load: the table's secondary indexes are dropped and built again
 * after the rows, inside the import's transaction (RegistryImportRepository.dropIndexesForInitialLoad).
 */
const INITIAL_LOAD_MIN = 10000;
/**
 * An upload of at least this many rows (8 chunks; RegistryImportService.deferCountsMin, which tests lower) applies the INSERT grid counters once, after its
 * last chunk (RegistryImportRepository.deferCounts), instead of once per chunk. Within one
 * transaction a counter row updated again by every chunk cannot be pruned, its versions pile up and
 * each update costs more (15k-row chunks at 20k grids: 125 ms, then ~260 ms from the 8th chunk on).
 * Measured at 0.2 scale: 200k rows (14 chunks) upsert 9.9 s → 4.5 s + 0.6 s for the one flush; a
 * 50k upload (4 chunks) gained nothing (10.7 s → 10.4 s + 1.3 s of flushes over 4 uploads).
 */
const DEFER_COUNTS_MIN = FIRST_CHUNK + 7 * CHUNK;
const INITIAL_LOAD_SHARE = 0.1;
/** Chunks read, validated and queued for attribution ahead of the one being written. */
const LOOKAHEAD = 3;
/** Chunk writes queued on the transaction's connection at most. */
const WRITES_QUEUED = 2;

/** What each row of an import is checked against, fixed for the whole import. */
interface RowContext {
  entity: RegistryEntity;
  scope: string | null;
  foreign: Set<string>;
  places: Map<number, { lon: number; lat: number; gridId: number; gridCode: string; areaPath: string }>;
  categories: Set<string> | null;
  hmacs: Map<string, number>;
  fail: (row: number, field: string, reason: string) => void;
}

/** Thrown inside the import's transaction to roll it back and answer with the report instead. */
class NotCommitted extends Error {
  constructor(readonly report: ImportReport) {
    super('import not committed');
  }
}

interface Pending {
  row: number;
  v: Record<string, any>;
}

/**
 * Bulk import from CSV/XLSX rows: every row validated like a single create, attributed and
 * written keyed by externalId, chunk by chunk in one transaction (see write).
 * `row` in the report is the spreadsheet line (header = line 1).
 */
@Injectable()
export class RegistryImportService {
  /** Uploads of at least this many rows defer their INSERT counters to one statement (DEFER_COUNTS_MIN). */
  deferCountsMin = DEFER_COUNTS_MIN;
  /** Uploads of at least this many rows may be an initial load (INITIAL_LOAD_MIN; tests lower it). */
  initialLoadMin = INITIAL_LOAD_MIN;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: RegistryImportRepository,
    private readonly pii: RegistryPiiService,
    private readonly audit: AuditService,
  ) {}

  async run(p: Principal, entity: RegistryEntity, rows: UploadRows, mode: ImportReport['mode']): Promise<ImportReport> {
    try {
      return await this.attempt(p, entity, rows, mode, false);
    } catch (e) {
      // Someone committed a record with one of the new externalIds meanwhile: again, with ON CONFLICT.
      if (this.repo.isExternalIdRace(entity, e)) return this.attempt(p, entity, rows, mode, true);
      throw e;
    }
  }

  private async attempt(p: Principal, entity: RegistryEntity, rows: UploadRows, mode: ImportReport['mode'], onConflict: boolean): Promise<ImportReport> {
    const errors: RowProblem[] = [];
    const bad = new Set<number>();
    const fail = (row: number, field: string, reason: string) => {
      errors.push({ row, field, reason });
      bad.add(row);
    };
    const seen = new Map<string, number>();
    const schema = LOCATED_KINDS[entity].create;
    /** The upload's rows from index `from` on, checked like a single create; the ones to go on with. */
    const validate = (raw: Cells[], from: number): Pending[] => {
      const pending: Pending[] = [];
      for (let j = 0; j < raw.length; j++) {
        const row = from + j + 2;
        const parsed = schema.safeParse(raw[j]);
        if (!parsed.success) {
          for (const i of parsed.error.issues) fail(row, i.code === 'unrecognized_keys' ? i.keys.join(',') : i.path.join('.') || 'row', i.message);
          continue;
        }
        const v = parsed.data as Record<string, any>;
        if (!v.externalId) {
          fail(row, 'externalId', 'required for import (a re-run updates the record with the same externalId)');
          continue;
        }
        if (seen.has(v.externalId)) {
          fail(row, 'externalId', `repeats row ${seen.get(v.externalId)}`);
          continue;
        }
        seen.set(v.externalId, row);
        if (v.tags?.length && !can(p, 'pii:tags')) fail(row, 'tags', 'your role does not allow special-group tags (needs pii:tags)');
        else pending.push({ row, v });
      }
      return pending;
    };

    // Attribution may read on a second connection while this import's transaction writes: its
    // buckets are derived data, made current and committed on their own first.
    const located = rows.located;
    if (located) await this.tx.run((db) => this.repo.ensureBuckets(db));
    const reader = located && rows.estimate > FIRST_CHUNK ? await this.tx.snapshotReader() : null;
    try {
      return await this.tx.run((tx) => this.write(tx, { readerDb: reader?.manager ?? null, located, onConflict }, p, entity, rows, validate, mode, errors, bad, fail));
    } catch (e) {
      if (e instanceof NotCommitted) return e.report;
      throw e;
    } finally {
      await reader?.release();
    }
  }

  /**
   * Validates and writes the rows in chunks, pipelined: while chunk k is written on the
   * transaction, chunk k+1 is read and validated (Node) and attributed on the reader (when there is
   * one and its buckets are current). In all-or-nothing mode the first bad row stops the writing;
   * the rest is still checked for the report and the transaction rolls back.
   */
  private async write(
    tx: EntityManager,
    { readerDb, located, onConflict }: { readerDb: EntityManager | null; located: boolean; onConflict: boolean },
    p: Principal,
    entity: RegistryEntity,
    rows: UploadRows,
    validate: (raw: Cells[], from: number) => Pending[],
    mode: ImportReport['mode'],
    errors: RowProblem[],
    bad: Set<number>,
    fail: (row: number, field: string, reason: string) => void,
  ): Promise<ImportReport> {
    await this.repo.bulkSession(tx);
    const expected = rows.estimate;
    // Many chunks: the grid counters once for the whole import, not once per chunk.
    const deferred = expected >= this.deferCountsMin;
    if (deferred) await this.repo.deferCounts(tx, entity);
    // An initial load (the table holds under a tenth of the rows coming): indexes built after the rows.
    const load = expected >= this.initialLoadMin ? await this.repo.dropIndexesForInitialLoad(tx, entity, Math.ceil(expected * INITIAL_LOAD_SHARE)) : null;
    // Into an empty table every row is new (nothing else can write it before this commits): COPY.
    const copy = !!load?.empty && this.repo.canCopy;
    const scope = scopeParam(p);
    let attributor = tx;
    if (readerDb && (await this.repo.bucketsFresh(readerDb))) {
      await this.repo.bulkSession(readerDb);
      attributor = readerDb;
    } else if (located) {
      await this.repo.ensureBuckets(tx);
    }
    const hmacs = new Map<string, number>();
    /** externalIds of written rows whose ID number a record outside the caller's jurisdiction holds too */
    const outside: string[] = [];
    const attribute = (part: Pending[]) => {
      const pts = part.filter((x) => x.v.lon != null).map((x) => ({ i: x.row, lon: x.v.lon as number, lat: x.v.lat as number }));
      const got = pts.length ? this.repo.attributeAll(attributor, pts) : Promise.resolve([]);
      got.catch(() => undefined); // awaited in its turn; this only keeps an early failure from counting as unhandled
      return got;
    };
    const n = { inserted: 0, updated: 0 };
    const written: unknown[] = [];
    // Chunks read, validated and with their attribution queued on the attributor's connection,
    // LOOKAHEAD at a time ahead of the one being written: that connection (and the transaction's,
    // where writes queue up to WRITES_QUEUED) runs its statements back to back instead of waiting
    // for Node between chunks.
    const ahead: { part: Pending[]; located: Promise<Located[]> }[] = [];
    const source = rows.open();
    let total = 0;
    let ended = false;
    const pull = (size: number) => {
      const raw = source.next(size);
      if (!raw.length) return void (ended = true);
      const part = validate(raw, total);
      total += raw.length;
      ahead.push({ part, located: attribute(part) });
    };
    pull(FIRST_CHUNK);
    const writes: Promise<void>[] = [];
    while (ahead.length) {
      while (!ended && ahead.length < LOOKAHEAD) pull(CHUNK);
      const { part, located } = ahead.shift()!;
      const points = new Map((await located).map((l) => [l.i, l]));
      const ctx = await this.contextOf(tx, entity, scope, part, hmacs, fail, copy);
      const { out, lineOf } = await this.rowsOf(ctx, part, points);
      await this.uniqueness(tx, p, entity, out, lineOf, fail, outside);
      if (mode === 'all-or-nothing' && bad.size) continue;
      const good = out.filter((_, j) => !bad.has(lineOf[j]));
      if (!good.length) continue;
      if (writes.length >= WRITES_QUEUED) await writes.shift();
      const wrote = copy ? this.repo.copyNew(tx, entity, good).then((inserted) => ({ inserted, updated: 0 })) : this.repo.upsert(tx, entity, good, p.name, onConflict);
      const done = wrote.then((r) => {
        n.inserted += r.inserted;
        n.updated += r.updated;
        for (const g of good) written.push(g.external_id);
      });
      done.catch(() => undefined); // awaited in its turn (below or when the queue is full)
      writes.push(done);
    }
    for (const w of writes) await w;
    const report: ImportReport = { mode, total, inserted: 0, updated: 0, rejected: bad.size, committed: false, errors: errors.sort((a, b) => a.row - b.row) };
    if (mode === 'all-or-nothing' && bad.size) throw new NotCommitted(report);
    if (deferred) await this.repo.flushCounts(tx, entity);
    if (load) await this.repo.rebuildIndexes(tx, load.indexes);
    else await this.repo.flushGin(tx, entity);
    await this.audit.write(tx, p, 'import', entity, null, null, { mode, total, inserted: n.inserted, updated: n.updated, rejected: bad.size, externalIds: written });
    // Reported for someone who sees both records (audit:read) to merge; the importer is told nothing.
    const wroteIds = new Set(written);
    const reported = outside.filter((e) => wroteIds.has(e));
    if (reported.length) await this.audit.write(tx, p, DUPLICATE_ID_ACTION, entity, null, null, { externalIds: reported });
    return { ...report, ...n, committed: true };
  }

  /**
   * What a chunk's rows are checked against: foreign external ids (none in a table that was empty
   * under the import's lock: `fresh`), the places they name, the component categories.
   */
  private async contextOf(tx: EntityManager, entity: RegistryEntity, scope: string | null, part: Pending[], hmacs: Map<string, number>, fail: RowContext['fail'], fresh: boolean): Promise<RowContext> {
    const foreign = fresh
      ? new Set<string>()
      : await this.repo.foreignExternalIds(
          tx,
          entity,
          part.map((x) => x.v.externalId),
          scope,
        );
    // Point of each row: its own, or its place's (people and organizations without one).
    const placeIds = [...new Set(part.filter((x) => x.v.lon == null && x.v.placeId).map((x) => x.v.placeId as number))];
    const places = new Map((await this.repo.places(tx, placeIds, scope)).map((pl) => [pl.id, pl]));
    const categories =
      entity === 'object'
        ? await this.repo.minorCategories(
            tx,
            part.map((x) => x.v.categoryCode),
          )
        : null;
    return { entity, scope, foreign, places, categories, hmacs, fail };
  }

  /** The rows to write for one chunk, with their spreadsheet line alongside; problems go to ctx.fail. */
  private async rowsOf(ctx: RowContext, part: Pending[], located: Map<number, Located>) {
    const { entity, scope, foreign, places, categories, hmacs, fail } = ctx;
    const row = LOCATED_KINDS[entity].import!.row;
    // Rows to write, with their spreadsheet line alongside (not inside: object spread and rest on
    // 50k rows cost more than the attribution; these rows are built as plain literals).
    const out: Record<string, unknown>[] = [];
    const lineOf: number[] = [];
    for (const x of part) {
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
      const at = { ext: v.externalId, lon, lat, gridId, gridCode, areaPath };
      let r = row(v, at, this.pii);
      if (r instanceof Promise) r = await r;
      // one ID number per upload (across uploads, uniqueness() checks the table)
      const hmac = r.id_number_hmac as string | null | undefined;
      if (hmac && hmacs.has(hmac)) {
        fail(x.row, 'idNumber', `same ID number as row ${hmacs.get(hmac)}`);
        continue;
      }
      if (hmac) hmacs.set(hmac, x.row);
      out.push(r);
      lineOf.push(x.row);
    }
    return { out, lineOf };
  }

  /**
   * ID numbers and credit codes held by a record with another externalId are row errors, not a
   * failed statement. An ID number is unique within what the caller sees (see people.service):
   * one held only outside their jurisdiction is not an error (the answer would confirm that it
   * exists there); the row is written and its externalId returned in `outside` to be reported.
   */
  private async uniqueness(
    tx: Parameters<RegistryImportRepository['takenBy']>[0],
    p: Principal,
    entity: RegistryEntity,
    out: Record<string, unknown>[],
    lineOf: number[],
    fail: (row: number, field: string, reason: string) => void,
    outside: string[],
  ) {
    if (entity !== 'person' && entity !== 'organization') return;
    const [column, fieldName] = entity === 'person' ? (['id_number_hmac', 'idNumber'] as const) : (['uscc', 'uscc'] as const);
    const values = out.map((r) => r[column] as string | null).filter((v): v is string => !!v);
    // credit codes are public (the national enterprise register): unique across the territory
    const taken = await this.repo.takenBy(tx, entity, column, values, entity === 'person' ? scopeParam(p) : null);
    out.forEach((r, k) => {
      const v = r[column] as string | null;
      const others = (v && taken.get(v)?.filter((h) => h.externalId !== r.external_id)) || [];
      if (others.some((h) => h.visible)) fail(lineOf[k], fieldName, 'already registered on another record');
      else if (others.length) outside.push(r.external_id as string);
    });
  }
}
