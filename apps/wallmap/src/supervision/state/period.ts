import type { Period } from '../api/supervision-api';

const iso = (d: Date) => d.toISOString().slice(0, 10);
/** Today in Shanghai (the calendar of the indicators' days), as a UTC-midnight Date. */
export function shanghaiToday(now = Date.now()): Date {
  return new Date(iso(new Date(now + 8 * 3600_000)) + 'T00:00:00Z');
}

/** The period presets of the toolbar: day, week (from Monday), month, last month, quarter, the last 30 days; any other span is custom. */
export type Preset = 'today' | 'week' | 'month' | 'lastMonth' | 'quarter' | 'last30';
export const PRESETS: readonly Preset[] = ['today', 'week', 'month', 'lastMonth', 'quarter', 'last30'];

export function presetPeriod(p: Preset, now = Date.now()): Period {
  const t = shanghaiToday(now);
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth();
  switch (p) {
    case 'today':
      return { from: iso(t), to: iso(t) };
    case 'week':
      // the week starts on Monday (getUTCDay: Sunday 0)
      return { from: iso(new Date(t.getTime() - ((t.getUTCDay() + 6) % 7) * 86400_000)), to: iso(t) };
    case 'month':
      return { from: iso(new Date(Date.UTC(y, m, 1))), to: iso(t) };
    case 'lastMonth':
      return { from: iso(new Date(Date.UTC(y, m - 1, 1))), to: iso(new Date(Date.UTC(y, m, 0))) };
    case 'quarter':
      return { from: iso(new Date(Date.UTC(y, m - (m % 3), 1))), to: iso(t) };
    case 'last30':
      return { from: iso(new Date(t.getTime() - 29 * 86400_000)), to: iso(t) };
  }
}

/** The last `n` calendar months (oldest first), the current one up to today. */
export function lastMonths(n: number, now = Date.now()): (Period & { label: string })[] {
  const t = shanghaiToday(now);
  const out: (Period & { label: string })[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const start = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - i, 1));
    const end = i === 0 ? t : new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - i + 1, 0));
    out.push({ from: iso(start), to: iso(end), label: iso(start).slice(0, 7) });
  }
  return out;
}
