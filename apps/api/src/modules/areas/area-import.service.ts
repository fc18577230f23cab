import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ImportFeatureResult, ImportResponse } from '@gc/contracts';
import { geometryToWgs84, type InputCrs } from '@gc/geo';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import { geometryOverLimits, inputLimits } from '../../core/http/input-limits';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { AreaImportRepository, type Candidate, type ValidityRow } from './area-import.repository';
import { asCode, checkPolygonal, featureProblem, type FeatureCollectionInput, type FeatureInput } from './geojson-check';

export interface ImportOptions {
  level: string;
  codeProperty: string;
  nameProperty?: string;
  parentProperty?: string;
  crs: InputCrs;
  mode: 'all-or-nothing' | 'keep-valid';
  repair: boolean;
  versionId?: number;
  label?: string;
}

export type ImportPhase = 'checking' | 'validating' | 'writing';

/** How a job's steps report and are stopped (area-import-jobs.service.ts). */
export interface ImportControl {
  cancelled(): boolean;
  progress(phase: ImportPhase, done: number, total: number): void;
  /** the draft version the job writes into (told before the first row is written) */
  writing(versionId: number): void;
}

export class ImportCancelled extends Error {
  constructor() {
    super('import cancelled');
  }
}

/** One statement's worth: about this many vertices (a few hundred ms of PostGIS at most). */
const STEP_VERTICES = 20_000;
const STEP_FEATURES = 500;

const point = (p: [number, number] | null) => (p ? { type: 'Point' as const, coordinates: p } : null);
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Vertices of a feature's geometry counted from ring lengths (no walk over positions). */
function vertexCount(geometry: unknown): number {
  const c = (geometry as { type?: unknown; coordinates?: unknown } | null)?.coordinates;
  if (!Array.isArray(c)) return 0;
  const polys = (geometry as { type?: unknown }).type === 'MultiPolygon' ? c : [c];
  let n = 0;
  for (const poly of polys) if (Array.isArray(poly)) for (const ring of poly) if (Array.isArray(ring)) n += ring.length;
  return n;
}

/** Split items into runs of at most STEP_FEATURES items and about STEP_VERTICES vertices. */
function* steps<T>(items: T[], vertices: (t: T) => number): Generator<T[]> {
  let run: T[] = [];
  let n = 0;
  for (const item of items) {
    const v = vertices(item);
    if (run.length && (run.length >= STEP_FEATURES || n + v > STEP_VERTICES)) {
      yield run;
      run = [];
      n = 0;
    }
    run.push(item);
    n += v;
  }
  if (run.length) yield run;
}

@Injectable()
export class AreaImportService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: AreaImportRepository,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Size of an import without walking its positions; 413 past AREA_IMPORT_MAX_FEATURES. */
  measure(fc: FeatureCollectionInput): { features: number; vertices: number } {
    const max = this.config.AREA_IMPORT_MAX_FEATURES;
    if (fc.features.length > max) {
      throw new AppException('PAYLOAD_TOO_LARGE', `${fc.features.length} features: an import takes at most ${max} (limit AREA_IMPORT_MAX_FEATURES)`, {
        field: 'body.features',
        limit: 'AREA_IMPORT_MAX_FEATURES',
        max,
        actual: fc.features.length,
      });
    }
    // A feature over AREA_MAX_VERTICES is refused after counting, so it does not make the import a job.
    let vertices = 0;
    for (const f of fc.features) {
      const n = vertexCount((f as { geometry?: unknown } | null)?.geometry);
      if (n <= inputLimits.area.vertices.max) vertices += n;
    }
    return { features: fc.features.length, vertices };
  }

  /** Whether an import of this size runs as a background job (AREA_IMPORT_JOB_VERTICES). */
  runsAsJob(size: { vertices: number }): boolean {
    return size.vertices > this.config.AREA_IMPORT_JOB_VERTICES;
  }

  /**
   * Import one level into a draft version, in one transaction (imports up to AREA_IMPORT_JOB_VERTICES
   * vertices). Every feature gets a result. All-or-nothing: any rejection rolls back (no draft, no
   * rows) and answers 422 with the results; keep-valid: the accepted features are stored.
   */
  async import(p: Principal, fc: FeatureCollectionInput, o: ImportOptions): Promise<ImportResponse> {
    this.measure(fc);
    const { results, candidates } = this.check(fc, o, 0, fc.features.length, new Set());
    return this.tx.run(async (tx) => {
      if (candidates.length) this.apply(results, await this.repo.validate(tx, candidates, o.repair), o);
      const accepted = this.accepted(results, candidates, o);
      const versionId = await this.draftFor(tx, p, o, fc.features.length);
      const ids = await this.repo.insert(tx, versionId, o.level, accepted);
      await this.auditImport(tx, p, versionId, o, ids.length, results);
      return { versionId, results };
    });
  }

  /**
   * The same import as a job: in steps of a few hundred features, each its own short statement or
   * transaction, yielding to other requests between steps and stopping at a cancel. The draft fills
   * in steps; if the job fails or is cancelled, what it wrote (and the draft, if it made one) is
   * deleted again, so the outcome is the same as the one-transaction import.
   */
  async importInSteps(p: Principal, fc: FeatureCollectionInput, o: ImportOptions, c: ImportControl): Promise<ImportResponse> {
    const n = fc.features.length;
    const results: ImportFeatureResult[] = [];
    const candidates: Candidate[] = [];
    const seen = new Set<string>();
    const checkpoint = async (phase: ImportPhase, done: number, total: number) => {
      c.progress(phase, done, total);
      await yieldToOthers();
      if (c.cancelled()) throw new ImportCancelled();
    };
    for (let from = 0; from < n; from += STEP_FEATURES) {
      const to = Math.min(n, from + STEP_FEATURES);
      const part = this.check(fc, o, from, to, seen);
      results.push(...part.results);
      candidates.push(...part.candidates);
      // The parsed features are not needed again (candidates hold what is written): let them go.
      for (let k = from; k < to; k++) fc.features[k] = null;
      await checkpoint('checking', Math.min(n, from + STEP_FEATURES), n);
    }
    let validated = 0;
    for (const step of steps(candidates, (x) => x.vertices)) {
      this.apply(results, await this.repo.validate(this.tx.manager, step, o.repair), o);
      validated += step.length;
      await checkpoint('validating', validated, candidates.length);
    }
    const accepted = this.accepted(results, candidates, o);
    const ids: number[] = [];
    let createdDraft: number | null = null;
    try {
      const versionId = await this.tx.run((tx) => this.draftFor(tx, p, o, n));
      if (!o.versionId) createdDraft = versionId;
      c.writing(versionId);
      for (const step of steps(accepted, (x) => x.vertices)) {
        ids.push(...(await this.tx.run((tx) => this.repo.insert(tx, versionId, o.level, step))));
        await checkpoint('writing', ids.length, accepted.length);
      }
      await this.tx.run((tx) => this.auditImport(tx, p, versionId, o, ids.length, results));
      return { versionId, results };
    } catch (e) {
      await this.tx.run((tx) => this.repo.discard(tx, ids, createdDraft));
      throw e;
    }
  }

  /** Shape, code and limit checks of features [from, to): results for all, candidates for the good ones. */
  private check(fc: FeatureCollectionInput, o: ImportOptions, from: number, to: number, seen: Set<string>) {
    const results: ImportFeatureResult[] = [];
    const candidates: Candidate[] = [];
    for (let index = from; index < to; index++) {
      const shapeProblem = featureProblem(fc.features[index]);
      if (shapeProblem) {
        results.push({ index, code: null, status: 'rejected', reason: shapeProblem, location: null });
        continue;
      }
      const f = fc.features[index] as FeatureInput;
      const props = f.properties ?? {};
      const code = asCode(props[o.codeProperty]);
      const reject = (reason: string, location: [number, number] | null = null) => results.push({ index, code, status: 'rejected', reason, location: point(location) });
      if (!code) {
        reject(`property ${o.codeProperty} is missing or not a code (letters, digits, underscore)`);
        continue;
      }
      if (seen.has(code)) {
        reject(`duplicate code ${code} in this collection`);
        continue;
      }
      // Limits first: a 1.4M-vertex polygon is refused after counting 200k, not after parsing it all.
      const over = geometryOverLimits(f.geometry, inputLimits.area);
      if (over) {
        reject(over.message);
        continue;
      }
      const shape = checkPolygonal(f.geometry);
      if (!shape.ok) {
        reject(shape.reason, shape.location);
        continue;
      }
      const parent = o.parentProperty ? asCode(props[o.parentProperty]) : null;
      if (o.parentProperty && props[o.parentProperty] != null && !parent) {
        reject(`property ${o.parentProperty} is not a code`);
        continue;
      }
      const geom = JSON.stringify(geometryToWgs84({ type: 'MultiPolygon' as const, coordinates: shape.polygons }, o.crs));
      let vertices = 0;
      for (const poly of shape.polygons) for (const ring of poly) vertices += ring.length;
      const name = o.nameProperty ? props[o.nameProperty] : undefined;
      seen.add(code);
      results.push({ index, code, status: 'imported', reason: null, location: null });
      candidates.push({ i: index, code, name: name == null || name === '' ? code : String(name), parent, geom, vertices, properties: props });
    }
    return { results, candidates };
  }

  /**
   * Record PostGIS's verdicts on the results. `results[i]` is feature i's result (check() gives
   * every feature one, in order), so no lookup structure is built; a job applies each step's
   * verdicts as they come instead of 150k at the end.
   */
  private apply(results: ImportFeatureResult[], validity: ValidityRow[], o: ImportOptions): void {
    for (const v of validity) {
      if (v.valid) continue;
      const r = results[v.i];
      const where = v.location ? ` at [${v.location.coordinates.join(', ')}]` : '';
      if (o.repair && v.repairedParts) {
        Object.assign(r, { status: 'repaired', reason: `${v.reason}${where}: repaired with ST_MakeValid into ${v.repairedParts} polygon(s)`, location: v.location });
      } else {
        Object.assign(r, { status: 'rejected', reason: o.repair ? `${v.reason}${where}: ST_MakeValid left no polygon` : `${v.reason}${where}`, location: v.location });
      }
    }
  }

  /** What is written: throws 422 when the mode does not allow what was rejected, or nothing is left. */
  private accepted(results: ImportFeatureResult[], candidates: Candidate[], o: ImportOptions): Candidate[] {
    let rejected = 0;
    for (const r of results) if (r.status === 'rejected') rejected++;
    if (o.mode === 'all-or-nothing' && rejected) {
      throw new AppException('INVALID_GEOMETRY', `${rejected} of ${results.length} feature(s) rejected; nothing was imported (mode all-or-nothing)`, {
        field: 'body.features',
        results,
      });
    }
    const accepted: Candidate[] = [];
    for (const c of candidates) {
      const status = results[c.i].status;
      if (status === 'rejected') continue;
      c.repair = status === 'repaired';
      accepted.push(c);
    }
    if (!accepted.length) throw new AppException('INVALID_GEOMETRY', 'every feature was rejected; nothing was imported', { field: 'body.features', results });
    return accepted;
  }

  private async draftFor(tx: EntityManager, p: Principal, o: ImportOptions, features: number): Promise<number> {
    if (!o.versionId) return this.repo.createDraft(tx, o.level, o.label ?? null, { ...o, features }, p.name);
    const v = await this.repo.draftLevel(tx, o.versionId);
    if (!v) throw new AppException('NOT_FOUND', `area version ${o.versionId} not found`, { field: 'query.versionId' });
    if (v.status !== 'draft') throw new AppException('VERSION_NOT_DRAFT', `area version ${o.versionId} is ${v.status}`, { versionId: o.versionId });
    return o.versionId;
  }

  private auditImport(tx: EntityManager, p: Principal, versionId: number, o: ImportOptions, imported: number, results: ImportFeatureResult[]) {
    return this.audit.write(tx, p, 'import', 'area_version', versionId, null, {
      level: o.level,
      crs: o.crs,
      mode: o.mode,
      repair: o.repair,
      imported,
      rejected: results.filter((r) => r.status === 'rejected').length,
    });
  }
}
