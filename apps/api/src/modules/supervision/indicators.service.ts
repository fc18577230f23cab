import { Injectable } from '@nestjs/common';
import type { IndicatorGrouping, IndicatorReport, IndicatorRow } from '@gc/contracts';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import type { Principal } from '../auth/principal';
import { departmentOnly } from '../events/event-access';
import { IndicatorsRepository, type GroupQuery, type GroupRow, type Grouping } from './indicators.repository';
import type { Measures } from './supervision-facts.sql';
import { addMeasures, checkFormula, evaluate, versionsFor, zeroMeasures, type IndicatorFormula } from './supervision-formulas';

export interface IndicatorQuery {
  groupBy: IndicatorGrouping;
  from?: string;
  to?: string;
  attribution: 'then' | 'now';
}

const SOURCE_NAMES: Record<string, [string, string]> = {
  operator: ['指挥中心', 'Command centre'],
  patrol: ['网格巡查', 'Grid patrol'],
  hotline: ['12345热线', '12345 hotline'],
  resident: ['居民上报', 'Resident'],
  system: ['系统', 'System'],
  sensor: ['感知设备', 'Sensor'],
  open311: ['外部系统', 'Other system (Open311)'],
};

const DAY = 86400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
/** Today in Shanghai (UTC+8), the calendar the facts use. */
export const shanghaiToday = (now = Date.now()) => iso(now + 8 * 3600_000);

/** Period [from, to] (inclusive days) and the previous one of the same length. Default: the last 30 days. */
export function periods(from: string | undefined, to: string | undefined, now = Date.now()) {
  const end = to ?? shanghaiToday(now);
  const start = from ?? iso(Date.parse(end) - 29 * DAY);
  const [a, b] = [Date.parse(start), Date.parse(end)];
  if (b < a) throw new AppException('VALIDATION_FAILED', 'invalid query.from: from must not be after to', [{ field: 'query.from', message: 'from must not be after to' }]);
  if (b - a > 3 * 366 * DAY) throw new AppException('VALIDATION_FAILED', 'invalid query.to: a period of at most three years', [{ field: 'query.to', message: 'at most three years' }]);
  const days = (b - a) / DAY + 1;
  return { from: start, to: end, previousFrom: iso(a - days * DAY), previousTo: iso(a - DAY) };
}

/**
 * Indicators grouped by an area level or a dimension, for a period and the one before it.
 * Attribution "as then" for every viewer but department staff reads the daily facts; "as now"
 * and department staff (only their cases) go through the per-case facts — same definitions.
 */
@Injectable()
export class IndicatorsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: IndicatorsRepository,
  ) {}

  async formulas(): Promise<IndicatorFormula[]> {
    const all = await this.repo.formulas(this.tx.manager);
    all.forEach(checkFormula);
    return all;
  }

  async report(p: Principal, q: IndicatorQuery): Promise<IndicatorReport> {
    const per = periods(q.from, q.to);
    const db = this.tx.manager;
    const formulas = versionsFor(await this.formulas(), per.from);
    const grouping: Grouping = ['district', 'street', 'community', 'grid'].includes(q.groupBy)
      ? { kind: 'area', depths: await this.repo.depthsOf(db, q.groupBy) }
      : { kind: q.groupBy as 'department' | 'worker' | 'category' | 'source' };
    const dept = departmentOnly(p) ? p.departmentId : null;
    const base: Omit<GroupQuery, 'from' | 'to'> = { grouping, scopePath: p.scopePath, attribution: q.attribution, departmentId: dept };
    const read = (from: string, to: string) => {
      const gq = { ...base, from, to };
      return q.attribution === 'then' && dept === null ? this.repo.fromDaily(db, gq) : this.repo.fromCases(db, gq);
    };
    const [cur, prev] = [await read(per.from, per.to), await read(per.previousFrom, per.previousTo)];
    const byKey = new Map<string, { cur: Measures; prev: Measures }>();
    const slot = (k: string) => {
      let s = byKey.get(k);
      if (!s) byKey.set(k, (s = { cur: zeroMeasures(), prev: zeroMeasures() }));
      return s;
    };
    const keep = (r: GroupRow) => dept === null || grouping.kind !== 'department' || r.key === String(dept);
    for (const r of cur.filter(keep)) addMeasures(slot(r.key).cur, r);
    // a group that had cases only in the previous period still shows (its figures fell to nothing)
    for (const r of prev.filter(keep)) addMeasures(slot(r.key).prev, r);
    const kind = grouping.kind === 'area' ? 'area' : grouping.kind;
    const names = await this.repo.names(db, kind, [...byKey.keys()]);
    const rows: IndicatorRow[] = [...byKey.entries()].map(([key, m]) => {
      const n = names.get(key);
      const src = kind === 'source' ? SOURCE_NAMES[key] : undefined;
      return {
        key,
        name: n?.name ?? src?.[0] ?? key,
        nameEn: n?.nameEn ?? src?.[1] ?? null,
        code: n?.code ?? null,
        values: Object.fromEntries(formulas.map((f) => [f.code, evaluate(f, m.cur)])),
        previous: Object.fromEntries(formulas.map((f) => [f.code, evaluate(f, m.prev)])),
        measures: m.cur,
      };
    });
    rows.sort((a, b) => b.measures.reported - a.measures.reported || a.key.localeCompare(b.key));
    const asOf = await this.repo.factsAsOf(db);
    return { groupBy: q.groupBy, attribution: q.attribution, ...per, indicators: formulas, rows, factsAsOf: asOf ? asOf.toISOString() : null };
  }
}
