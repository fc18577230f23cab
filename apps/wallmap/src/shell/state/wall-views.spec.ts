import fc from 'fast-check';
import type { EventState, EventSummary } from '@gc/contracts';
import { computeCounts } from '../../events/state/events-store';
import { PersistentMap } from '../../events/state/persistent-map';
import { drawnEvents, NO_FILTERS, type EventFilters } from '../../map/state/event-diff';
import { countByGrid } from '../../map/state/grid-counts';
import { deriveViews, type WallViews } from './wall-views';

const STATES: EventState[] = ['reported', 'dispatched', 'in_progress', 'closed', 'voided'];
const NOW = new Date(2025, 5, 2, 12);

const ev = (id: number, k: number): EventSummary => ({
  id,
  category: ['environment', 'safety', 'traffic'][k % 3],
  categoryName: ['环境', '安全', '交通'][k % 3],
  urgency: 'normal',
  state: STATES[k % STATES.length],
  source: 'patrol',
  title: `e${id}`,
  lon: k % 7 === 0 ? null : 118.7 + (k % 10) / 100,
  lat: k % 7 === 0 ? null : 32,
  grid: k % 11 === 0 ? null : { code: `G${k % 4}`, name: `G${k % 4}` },
  department: k % 5 === 0 ? null : `d${k % 2}`,
  createdAt: new Date(2025, 5, 1 + (k % 2), 9).toISOString(),
  dueAt: null,
  overdue: k % 3 === 0,
  warning: 'none',
  escalationLevel: 0,
});

/** Everything the views hold, recomputed from scratch the way the wall used to. */
function whole(events: PersistentMap<number, EventSummary>, f: EventFilters) {
  const all = [...events.values()];
  return {
    drawn: new Map(drawnEvents(events, f).entries()),
    grids: new Map(countByGrid(all).entries()),
    counts: computeCounts(all, NOW),
    categories: [...new Map(all.map((e) => [e.category, e.categoryName])).entries()].sort(),
    departments: [...new Set(all.map((e) => e.department).filter(Boolean))].sort(),
  };
}
const seen = (v: WallViews) => ({
  drawn: new Map(v.drawn.entries()),
  grids: new Map(v.gridCounts.entries()),
  counts: v.counts,
  categories: v.categories.map(([a, b]) => [a, b]),
  departments: [...v.departments],
});

describe('deriveViews', () => {
  it('updated per changed event, equals the views computed over all events, batch after batch', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1000 })), { maxLength: 40 }),
        fc.array(fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined })), { maxLength: 8 }), { maxLength: 10 }),
        fc.boolean(),
        (initial, batches, overdueOnly) => {
          const f = overdueOnly ? { ...NO_FILTERS, overdueOnly } : NO_FILTERS;
          let events = PersistentMap.from(initial.map(([id, k]) => [id, ev(id, k)] as const));
          let views = deriveViews(null, events, f, NOW);
          expect(seen(views)).toEqual(whole(events, f));
          for (const batch of batches) {
            const prevViews = views;
            events = events.with(batch.map(([id, k]) => [id, k === undefined ? undefined : ev(id, k)] as const));
            views = deriveViews(views, events, f, NOW);
            expect(seen(views)).toEqual(whole(events, f));
            // the drawn set and the grid counts say which keys changed, for the map's diffs
            expect(views.drawn.changedSince(prevViews.drawn)).not.toBeNull();
            expect(views.gridCounts.changedSince(prevViews.gridCounts)).not.toBeNull();
          }
        },
      ),
    );
  });

  it('recomputes the drawn set on a new filter and the day counts on a new day, and reuses itself when nothing changed', () => {
    const events = PersistentMap.from([1, 2, 3, 4, 5, 6].map((id) => [id, ev(id, id)] as const));
    const v = deriveViews(null, events, NO_FILTERS, NOW);
    expect(deriveViews(v, events, { ...NO_FILTERS }, NOW)).toBe(v);
    const overdue = deriveViews(v, events, { ...NO_FILTERS, overdueOnly: true }, NOW);
    expect([...overdue.drawn.keys()]).toEqual([6]);
    const tomorrow = new Date(2025, 5, 3, 8);
    expect(deriveViews(v, events, NO_FILTERS, tomorrow).counts.newToday).toBe(0);
    expect(v.counts.newToday).toBe(3);
  });
});
