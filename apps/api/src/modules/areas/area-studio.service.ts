import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { BalanceReport, DraftFeaturesResponse, DraftResponse, GridMetrics, ImpactReport } from '@gc/contracts';
import { geometryToWgs84 } from '@gc/geo';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { attributedTables } from './attributed-tables';
import { AreaImportRepository } from './area-import.repository';
import { AreaPublishRepository } from './area-publish.repository';
import { AreaPublishService } from './area-publish.service';
import { AreaStudioRepository, type VersionRow } from './area-studio.repository';
import { geometryOverLimits, inputLimits } from '../../core/http/input-limits';
import { asCode, checkPolygonal, featureProblem, type FeatureCollectionInput, type FeatureInput } from './geojson-check';

const NEXT_LEVEL: Record<string, string> = { city: 'district', district: 'street', street: 'community', community: 'grid', grid: 'microgrid' };

/** Households spread and compactness median of a set of grids (the numbers the balance panel and a proposal show). */
export function spreadOf(grids: Pick<GridMetrics, 'households' | 'compactness'>[]): BalanceReport['spread'] {
  const hh = grids.map((g) => g.households);
  const n = hh.length || 1;
  const mean = hh.reduce((s, x) => s + x, 0) / n;
  const stdDev = Math.sqrt(hh.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
  const min = Math.min(...hh);
  const cs = grids.map((g) => g.compactness).sort((a, b) => a - b);
  const medianCompactness = cs.length ? (cs.length % 2 ? cs[(cs.length - 1) / 2] : (cs[cs.length / 2 - 1] + cs[cs.length / 2]) / 2) : 0;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { maxMin: hh.length && min > 0 ? r(Math.max(...hh) / min) : null, stdDev: r(stdDev), mean: r(mean), medianCompactness: r(medianCompactness) };
}

@Injectable()
export class AreaStudioService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: AreaStudioRepository,
    private readonly importer: AreaImportRepository,
    private readonly publisher: AreaPublishService,
    private readonly audit: AuditService,
    private readonly publishing: AreaPublishRepository,
  ) {}

  /** The version, if the caller's jurisdiction holds all of it; 404 otherwise (another jurisdiction's draft does not exist for them). */
  async versionFor(db: EntityManager, p: Principal, id: number, lock = false): Promise<VersionRow> {
    const v = await this.repo.version(db, id, lock);
    if (!v || !(await this.repo.versionInScope(db, id, v.source?.parentCode ?? null, scopeParam(p)))) {
      throw new AppException('NOT_FOUND', `area version ${id} not found`, { versionId: id });
    }
    return v;
  }

  async draftFor(db: EntityManager, p: Principal, id: number): Promise<VersionRow> {
    const v = await this.versionFor(db, p, id, true);
    if (v.status !== 'draft') throw new AppException('VERSION_NOT_DRAFT', `area version ${id} is ${v.status}, not a draft`, { versionId: id, status: v.status });
    return v;
  }

  /** A draft of one area's children, copied from the current (published) rows. */
  async createDraft(p: Principal, parentCode: string, label: string | undefined): Promise<DraftResponse> {
    return this.tx.run(async (tx) => {
      const parent = await this.repo.parent(tx, parentCode, scopeParam(p));
      if (!parent) throw new AppException('NOT_FOUND', `area ${parentCode} not found`, { field: 'body.parentCode' });
      const level = parent.childLevel ?? NEXT_LEVEL[parent.level];
      if (!level) throw new AppException('BAD_REQUEST', `a ${parent.level} has no child level`, { field: 'body.parentCode' });
      const baseIds = await this.repo.currentChildIds(tx, parentCode, level);
      const versionId = await this.repo.createDraft(tx, level, label ?? `${parent.name} 草稿`, { kind: 'copy', parentCode, baseIds }, p.name);
      const areas = await this.repo.copyRows(tx, versionId, baseIds);
      await this.audit.write(tx, p, 'create', 'area_version', versionId, null, { kind: 'copy', parentCode, level, areas });
      return { versionId, parentCode, level, areas };
    });
  }

  /**
   * Replace the draft's rows with the studio's edited set (all of them: the studio holds the whole
   * draft), then answer the server's topology check of it. Invalid geometry: 422 naming the feature.
   */
  async saveFeatures(p: Principal, id: number, fc: FeatureCollectionInput): Promise<DraftFeaturesResponse> {
    return this.tx.run(async (tx) => {
      // the topology answer is a small statement on a big table: JIT compiled it for 4.9 s of
      // its 4.9 s in a city of 100k cells (bench/areas-publish.bench.ts, auto_explain)
      await this.publishing.withoutJit(tx);
      const v = await this.draftFor(tx, p, id);
      const parentCode = v.source?.parentCode ?? null;
      const seen = new Set<string>();
      const candidates = fc.features.map((raw, i) => {
        const fail = (reason: string, code: string | null = null) => new AppException('INVALID_GEOMETRY', `feature ${i}: ${reason}`, { field: `body.features.${i}`, index: i, code });
        const problem = featureProblem(raw);
        if (problem) throw fail(problem);
        const f = raw as FeatureInput;
        const props = f.properties ?? {};
        const code = asCode(props.code);
        if (!code) throw fail('properties.code is missing or not a code (letters, digits, underscore)');
        // The same size limits as an import (a drawn grid never comes near them; a pasted one may).
        const over = geometryOverLimits(f.geometry, inputLimits.area);
        if (over) throw fail(over.message, code);
        if (seen.has(code)) throw fail(`duplicate code ${code}`, code);
        seen.add(code);
        const shape = checkPolygonal(f.geometry);
        if (!shape.ok) throw fail(shape.reason, code);
        const name = typeof props.name === 'string' && props.name.trim() ? props.name.trim().slice(0, 200) : code;
        let vertices = 0;
        for (const poly of shape.polygons) for (const ring of poly) vertices += ring.length;
        const geom = JSON.stringify(geometryToWgs84({ type: 'MultiPolygon' as const, coordinates: shape.polygons }, 'wgs84'));
        return { i, code, name, parent: parentCode ?? asCode(props.parent_code), geom, vertices, properties: {} };
      });
      // only what changed since the last save is checked, deleted and written again
      const checked = await this.repo.replaceChanged(tx, id, candidates);
      const bad = checked.find((r) => !r.valid);
      if (bad) {
        throw new AppException('INVALID_GEOMETRY', `feature ${bad.i} (${candidates[bad.i].code}): ${bad.reason}`, { field: `body.features.${bad.i}`, index: bad.i, location: bad.location });
      }
      const changed = new Set(checked.map((r) => r.i));
      const writes = candidates.filter((c) => changed.has(c.i)).map((c) => ({ ...c, repair: false }));
      if (writes.length) await this.importer.insert(tx, id, v.level, writes);
      await this.audit.write(tx, p, 'update', 'area_version', id, null, { features: candidates.length });
      return { versionId: id, areas: candidates.length, topology: await this.publisher.report(tx, id) };
    });
  }

  async balance(p: Principal, id: number, target: { min: number; max: number }): Promise<BalanceReport> {
    if (target.max < target.min) throw new AppException('VALIDATION_FAILED', 'max must not be below min', [{ field: 'query.max', message: 'must be ≥ min' }]);
    const db = this.tx.manager;
    await this.versionFor(db, p, id);
    const grids = (await this.repo.metrics(db, id)).map((g) => ({ ...g, outlier: g.households < target.min ? ('low' as const) : g.households > target.max ? ('high' as const) : null }));
    return { versionId: id, target, grids, spread: spreadOf(grids) };
  }

  /** What publishing would move, computed with the rule re-attribution uses (so the numbers match after publish). */
  async impact(p: Principal, id: number): Promise<ImpactReport> {
    // one transaction: every count from one snapshot, and JIT off as publishing runs (it spent
    // seconds compiling these small statements on big tables; bench/areas-publish.bench.ts)
    return this.tx.run(async (db) => {
      await this.publishing.withoutJit(db);
      const v = await this.versionFor(db, p, id);
      if (v.status !== 'draft') throw new AppException('VERSION_NOT_DRAFT', `area version ${id} is ${v.status}; impact is a preview of publishing a draft`, { versionId: id });
      const change = await this.repo.changeSet(db, id);
      const moves: Record<string, number> = {};
      for (const t of attributedTables()) moves[t.table] = await this.repo.moves(db, t, change);
      const { areas, diff } = await this.repo.diff(db, id);
      const staffOld = await this.repo.staffOf(db, [...areas.removed, ...areas.reshaped]);
      const staffed = new Set((await this.repo.staffOf(db, areas.added)).map((s) => s.code));
      return {
        versionId: id,
        moves,
        people: moves.person ?? 0,
        places: moves.place ?? 0,
        objects: moves.city_object ?? 0,
        organizations: moves.organization ?? 0,
        openEvents: moves.event ?? 0,
        areas,
        staff: {
          losing: staffOld.filter((s) => areas.removed.includes(s.code)),
          reshaped: staffOld.filter((s) => areas.reshaped.includes(s.code)),
          unstaffed: areas.added.filter((c) => !staffed.has(c)),
        },
        diff,
      };
    });
  }
}
