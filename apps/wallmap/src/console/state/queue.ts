import type { EventSource, EventState, EventSummary, Urgency } from '@gc/contracts';

export type QueueSort = 'due' | 'newest' | 'urgency';

export interface QueueFilters {
  state: EventState | '';
  category: string;
  department: string;
  /** an area code: the case's grid code starts with it (codes nest: district, street, community, grid) */
  area: string;
  source: EventSource | '';
}

export const NO_QUEUE_FILTERS: QueueFilters = { state: '', category: '', department: '', area: '', source: '' };

const URGENCY_RANK: Record<Urgency, number> = { critical: 0, urgent: 1, normal: 2 };

/** Overdue first, then due soonest (no deadline last), then newest; other sorts fall back to the same. */
export function compareCases(sort: QueueSort): (a: EventSummary, b: EventSummary) => number {
  const due = (a: EventSummary, b: EventSummary) => {
    if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
    const da = a.dueAt ? Date.parse(a.dueAt) : Infinity;
    const db = b.dueAt ? Date.parse(b.dueAt) : Infinity;
    if (da !== db) return da < db ? -1 : 1;
    return b.id - a.id;
  };
  if (sort === 'newest') return (a, b) => b.id - a.id;
  if (sort === 'urgency') return (a, b) => URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] || due(a, b);
  return due;
}

export function matches(e: EventSummary, f: QueueFilters, open: ReadonlySet<EventState>): boolean {
  if (!open.has(e.state)) return false;
  if (f.state && e.state !== f.state) return false;
  if (f.category && e.category !== f.category) return false;
  if (f.department && e.department !== f.department) return false;
  if (f.source && e.source !== f.source) return false;
  if (f.area && !(e.grid?.code ?? '').startsWith(f.area)) return false;
  return true;
}

/** The ids the queue would show now, in order. */
export function desiredOrder(events: Iterable<EventSummary>, f: QueueFilters, sort: QueueSort, open: ReadonlySet<EventState>): number[] {
  const list: EventSummary[] = [];
  for (const e of events) if (matches(e, f, open)) list.push(e);
  return list.sort(compareCases(sort)).map((e) => e.id);
}

/**
 * What the operator sees: an order that holds still under live updates. Cases that arrive (or
 * newly match) wait in `pending` and are announced; the list takes them, re-sorted, only when the
 * operator asks (or changes the sort or filters). Cases that leave the queue (closed, filtered
 * out) leave at once: a row never shows what is no longer true.
 */
export interface QueueState {
  order: number[];
  pending: number[];
}

export const EMPTY_QUEUE: QueueState = { order: [], pending: [] };

export type QueueAction =
  /** live data changed: keep the order, announce newcomers */
  | { type: 'sync'; desired: number[] }
  /** sort/filters changed, the first load, or "show the new cases": take the desired order */
  | { type: 'reorder'; desired: number[] };

export function queueReducer(state: QueueState, action: QueueAction): QueueState {
  switch (action.type) {
    case 'reorder':
      return { order: action.desired, pending: [] };
    case 'sync': {
      const want = new Set(action.desired);
      if (!state.order.length && !state.pending.length) return { order: action.desired, pending: [] };
      const order = state.order.filter((id) => want.has(id));
      const shown = new Set(order);
      const pending = action.desired.filter((id) => !shown.has(id));
      const same = order.length === state.order.length && pending.length === state.pending.length && pending.every((id, i) => state.pending[i] === id);
      return same ? state : { order, pending };
    }
  }
}

/** The next row for the arrow keys (stays on the ends). */
export function step(order: readonly number[], current: number | null, delta: 1 | -1): number | null {
  if (!order.length) return null;
  const i = current === null ? -1 : order.indexOf(current);
  if (i < 0) return delta === 1 ? order[0] : order[order.length - 1];
  return order[Math.min(order.length - 1, Math.max(0, i + delta))];
}
