import type { EventSummary } from '@gc/contracts';
import { FINAL_STATES } from '../../events/state/events-store';
import { PersistentMap } from '../../events/state/persistent-map';

export interface GridCount {
  open: number;
  overdue: number;
}
export const NO_CASES: GridCount = { open: 0, overdue: 0 };

/** The grid an event counts for: its grid while it is open, none once finished or without a grid. */
export const countedGrid = (e: EventSummary): string | null => (e.grid?.code && !FINAL_STATES.has(e.state) ? e.grid.code : null);

/** Open and overdue cases per grid code, for the grids' feature state (grids with none are absent). */
export function countByGrid(events: Iterable<EventSummary>): PersistentMap<string, GridCount> {
  const out = new Map<string, GridCount>();
  for (const e of events) {
    const code = countedGrid(e);
    if (!code) continue;
    let c = out.get(code);
    if (!c) out.set(code, (c = { open: 0, overdue: 0 }));
    c.open++;
    if (e.overdue) c.overdue++;
  }
  return PersistentMap.from(out);
}

/** Grid codes whose counts differ between two unrelated versions (a grid that emptied gets zeros, so its colour clears). */
export function changedCounts(prev: PersistentMap<string, GridCount>, next: PersistentMap<string, GridCount>): Map<string, GridCount> {
  const out = new Map<string, GridCount>();
  next.forEach((n, code) => {
    const p = prev.get(code);
    if (!p || p.open !== n.open || p.overdue !== n.overdue) out.set(code, n);
  });
  prev.forEach((_, code) => {
    if (!next.has(code)) out.set(code, NO_CASES);
  });
  return out;
}
