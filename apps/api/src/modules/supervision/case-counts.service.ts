import { Injectable } from '@nestjs/common';
import type { CaseCountRow, CaseCountsReport } from '@gc/contracts';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import type { Principal } from '../auth/principal';
import { scopeParam } from '../auth/scope';
import { IndicatorsRepository, type GroupQuery } from './indicators.repository';
import { periods } from './indicators.service';

/**
 * Cases reported in a period under an area, by grid, "as then" (the grid of the day each case was
 * reported: the daily facts) against "as now" (today's grid at its location: the per-case facts), with
 * the supervision module's one definition of a reported case. What a redraw does to a grid's record.
 */
@Injectable()
export class CaseCountsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: IndicatorsRepository,
  ) {}

  async caseCounts(p: Principal, q: { parentCode: string; from?: string; to?: string }): Promise<CaseCountsReport> {
    const per = periods(q.from, q.to);
    const db = this.tx.manager;
    const area = await this.repo.areaByCode(db, q.parentCode, scopeParam(p));
    if (!area) throw new AppException('NOT_FOUND', `area ${q.parentCode} not found`, { field: 'query.parentCode' });
    // the area lies in the caller's jurisdiction, so everything under it does too
    const base: GroupQuery = { grouping: { kind: 'area', depths: await this.repo.depthsOf(db, 'grid') }, from: per.from, to: per.to, scopePath: area.path, attribution: 'then', departmentId: null };
    const then = await this.repo.fromDaily(db, base);
    const now = await this.repo.fromCases(db, { ...base, attribution: 'now' });
    const counts = new Map<string, { then: number; now: number }>();
    for (const [rows, side] of [
      [then, 'then'],
      [now, 'now'],
    ] as const) {
      for (const r of rows) {
        const c = counts.get(r.key) ?? { then: 0, now: 0 };
        c[side] += Number(r.reported) || 0;
        counts.set(r.key, c);
      }
    }
    const names = await this.repo.areasByPath(db, [...counts.keys()]);
    const grids: CaseCountRow[] = [...counts.entries()]
      .filter(([, c]) => c.then > 0 || c.now > 0)
      .map(([key, c]) => {
        const n = names.get(key);
        const code = n?.code ?? key.split('.').pop()!;
        return { code, name: n?.name ?? code, current: n?.current ?? false, then: c.then, now: c.now, delta: c.now - c.then };
      })
      .sort((a, b) => a.code.localeCompare(b.code));
    const asOf = await this.repo.factsAsOf(db);
    return {
      area: { code: area.code, name: area.name, level: area.level as CaseCountsReport['area']['level'] },
      from: per.from,
      to: per.to,
      totals: { then: grids.reduce((s, g) => s + g.then, 0), now: grids.reduce((s, g) => s + g.now, 0) },
      grids,
      factsAsOf: asOf ? asOf.toISOString() : null,
    };
  }
}
