import type { EventSummary } from '@gc/contracts';
import { FINAL_STATES } from '../../events/state/events-store';

export interface GridCount {
  open: number;
  overdue: number;
}

/** Open and overdue cases per grid code, for the grids' feature state. */
export function countByGrid(events: Record<number, EventSummary>): Record<string, GridCount> {
  const out: Record<string, GridCount> = {};
  for (const key in events) {
    const e = events[key];
    const code = e.grid?.code;
    if (!code || FINAL_STATES.has(e.state)) continue;
    const c = (out[code] ??= { open: 0, overdue: 0 });
    c.open++;
    if (e.overdue) c.overdue++;
  }
  return out;
}

/** Grid codes whose counts differ (a grid that dropped to nothing gets zeros, so its colour clears). */
export function changedCounts(prev: Record<string, GridCount>, next: Record<string, GridCount>): Record<string, GridCount> {
  const out: Record<string, GridCount> = {};
  for (const code in next) {
    const p = prev[code];
    if (!p || p.open !== next[code].open || p.overdue !== next[code].overdue) out[code] = next[code];
  }
  for (const code in prev) if (!(code in next)) out[code] = { open: 0, overdue: 0 };
  return out;
}
