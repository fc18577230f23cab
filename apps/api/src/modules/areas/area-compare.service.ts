import { Injectable } from '@nestjs/common';
import type { AreaHistoryReport, VersionCompareReport } from '@gc/contracts';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import type { Principal } from '../auth/principal';
import { pathInScope, scopeParam } from '../auth/scope';
import { AreaCompareRepository } from './area-compare.repository';

/** Comparing two versions of the territory, and the versions an area went through (studio, analysts). */
@Injectable()
export class AreaCompareService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: AreaCompareRepository,
  ) {}

  /**
   * The territory as `from` left it against as `to` left it, within the deepest area that holds both
   * versions' rows (or `parentCode`'s area), at their levels, inside the caller's jurisdiction. A
   * version with nothing in the jurisdiction does not exist for the caller (404); a discarded one has
   * no territory to compare (422).
   */
  async compare(p: Principal, from: number, to: number, parentCode: string | null): Promise<VersionCompareReport> {
    const db = this.tx.manager;
    const scope = scopeParam(p);
    const versions = [];
    for (const [field, id] of [
      ['query.from', from],
      ['query.to', to],
    ] as const) {
      const v = await this.repo.version(db, id);
      if (!v || !(await this.repo.hasRowsIn(db, id, scope))) throw new AppException('NOT_FOUND', `area version ${id} not found`, { field, versionId: id });
      if (v.status === 'discarded') throw new AppException('VALIDATION_FAILED', `invalid ${field}: version ${id} was discarded`, [{ field, message: 'a discarded version cannot be compared' }]);
      versions.push(v);
    }
    const s = await this.repo.scopeOf(db, from, to);
    if (parentCode !== null) {
      const area = await this.repo.areaByCode(db, parentCode, scope);
      if (!area) throw new AppException('NOT_FOUND', `area ${parentCode} not found`, { field: 'query.parentCode' });
      s.path = area.path;
    }
    // the caller sees only their jurisdiction: a comparison scoped above it narrows to it
    if (scope !== null && (s.path === null || pathInScope(s.path, scope))) s.path = scope;
    const area = s.path ? await this.repo.areaAt(db, s.path) : undefined;
    const { areas, features } = await this.repo.compare(db, from, to, s, scope);
    const counts = { added: 0, removed: 0, reshaped: 0, unchanged: 0 };
    for (const a of areas) counts[a.change]++;
    return { from: versions[0], to: versions[1], scope: { code: area?.code ?? null, name: area?.name ?? null, levels: s.levels }, counts, areas, features };
  }

  /** The versions that held the area or areas under it (its own redraws, its children's, its micro-grids'), newest first. */
  async history(p: Principal, code: string): Promise<AreaHistoryReport> {
    const db = this.tx.manager;
    const scope = scopeParam(p);
    const area = await this.repo.areaByCode(db, code, scope);
    if (!area) throw new AppException('NOT_FOUND', `area ${code} not found`, { field: 'query.code' });
    const { path, ...ref } = area;
    return { area: ref, versions: await this.repo.history(db, path, scope) };
  }
}
