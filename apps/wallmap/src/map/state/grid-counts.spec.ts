import type { EventSummary } from '@gc/contracts';
import { PersistentMap } from '../../events/state/persistent-map';
import { changedCounts, countByGrid } from './grid-counts';

const ev = (id: number, grid: string | null, over: Partial<EventSummary> = {}) => ({ id, grid: grid ? { code: grid, name: grid } : null, state: 'dispatched', overdue: false, ...over }) as EventSummary;

describe('grid counts', () => {
  it('counts open and overdue cases per grid, skipping finished and ungridded ones', () => {
    const c = countByGrid([ev(1, 'A'), ev(2, 'A', { overdue: true }), ev(3, 'B', { state: 'closed' }), ev(4, null)]);
    expect(Object.fromEntries(c.entries())).toEqual({ A: { open: 2, overdue: 1 } });
  });
  it('reports changed grids, zeroing those that emptied', () => {
    const prev = PersistentMap.from(Object.entries({ A: { open: 1, overdue: 0 }, B: { open: 1, overdue: 0 } }));
    const next = PersistentMap.from(Object.entries({ A: { open: 1, overdue: 0 }, C: { open: 1, overdue: 1 } }));
    expect(Object.fromEntries(changedCounts(prev, next))).toEqual({
      C: { open: 1, overdue: 1 },
      B: { open: 0, overdue: 0 },
    });
  });
});
