import { MEASURES, type Measure, type Measures } from './supervision-facts.sql';

/** An indicator's formula as stored in sv_indicator (one row per code and version). */
export interface IndicatorFormula {
  code: string;
  version: number;
  effectiveFrom: string; // YYYY-MM-DD
  name: string;
  nameEn: string;
  unit: 'count' | 'ratio' | 'hours' | 'minutes' | 'score';
  formula: { num: string[]; den?: string[]; scale?: number };
}

export function zeroMeasures(): Measures {
  return Object.fromEntries(MEASURES.map((m) => [m, 0])) as Measures;
}

export function addMeasures(a: Measures, b: Partial<Record<string, unknown>>): Measures {
  for (const m of MEASURES) a[m] += Number(b[m] ?? 0);
  return a;
}

const known = new Set<string>(MEASURES);

/** A formula that names an unknown measure is a data error: say which, never compute a wrong figure. */
export function checkFormula(f: IndicatorFormula): void {
  for (const m of [...f.formula.num, ...(f.formula.den ?? [])]) {
    if (!known.has(m)) throw new Error(`indicator ${f.code} v${f.version} names an unknown measure "${m}"`);
  }
}

/**
 * The version in force for a period: the latest whose effective date is on or before the period's
 * first day. A version that takes effect later never changes a period that began before it.
 */
export function versionsFor(all: IndicatorFormula[], from: string): IndicatorFormula[] {
  const best = new Map<string, IndicatorFormula>();
  for (const f of all) {
    if (f.effectiveFrom > from) continue;
    const cur = best.get(f.code);
    if (!cur || f.effectiveFrom > cur.effectiveFrom) best.set(f.code, f);
  }
  return [...best.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** scale · Σnum / Σden; a count (no den) is Σnum; null when the denominator is 0 (nothing to rate). */
export function evaluate(f: IndicatorFormula, m: Measures): number | null {
  const sum = (names: string[]) => names.reduce((s, n) => s + (m[n as Measure] ?? 0), 0);
  const num = sum(f.formula.num) * (f.formula.scale ?? 1);
  if (!f.formula.den?.length) return round(num);
  const den = sum(f.formula.den);
  return den === 0 ? null : round(num / den);
}

/** Six significant decimals: sums of float8 minutes must not differ in the 15th digit between two paths. */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
