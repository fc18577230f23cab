import type { IndicatorDefinition, IndicatorRow } from '@gc/contracts';

/** Indicators where a smaller figure is better (the black list holds the largest). */
const LOWER_IS_BETTER = new Set(['overdue', 'escalations', 'rework_rate', 'avg_handling_hours', 'summons_avg_lateness_minutes', 'repeat_complaints']);

export const lowerIsBetter = (code: string) => LOWER_IS_BETTER.has(code);

export interface Ranked {
  row: IndicatorRow;
  value: number;
  previous: number | null;
  rank: number;
}

/**
 * 红黑榜: rows with a figure for the indicator, best first (ties share a rank, by name after);
 * `red` the best `n`, `black` the worst `n` (worst first). Rows with nothing to rate are left out.
 */
export function rank(rows: IndicatorRow[], code: string, n: number): { all: Ranked[]; red: Ranked[]; black: Ranked[] } {
  const lower = lowerIsBetter(code);
  const rated = rows
    .filter((r) => r.values[code] !== null && r.values[code] !== undefined)
    .map((row) => ({ row, value: row.values[code] as number, previous: row.previous[code] ?? null, rank: 0 }))
    .sort((a, b) => (lower ? a.value - b.value : b.value - a.value) || a.row.name.localeCompare(b.row.name, 'zh'));
  rated.forEach((r, i) => (r.rank = i > 0 && rated[i - 1].value === r.value ? rated[i - 1].rank : i + 1));
  const red = rated.slice(0, n);
  const black = rated.length > n ? rated.slice(-Math.min(n, rated.length - n)).reverse() : [];
  return { all: rated, red, black };
}

/** A figure as the screens show it: ratios as percentages, hours and scores with one decimal. */
export function formatValue(def: Pick<IndicatorDefinition, 'unit'> | undefined, v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  switch (def?.unit) {
    case 'ratio':
      return `${(v * 100).toFixed(1)}%`;
    case 'hours':
    case 'minutes':
    case 'score':
      return v.toFixed(1);
    default:
      return String(Math.round(v));
  }
}

/** Better, worse or the same as the previous period, for an arrow. */
export function trendOf(code: string, value: number, previous: number | null): 'up' | 'down' | 'same' | null {
  if (previous === null) return null;
  if (value === previous) return 'same';
  const better = lowerIsBetter(code) ? value < previous : value > previous;
  return better ? 'up' : 'down';
}
