import type { EventSummary } from '@gc/contracts';
import { changedCounts, countByGrid } from './grid-counts';

const ev = (id: number, grid: string | null, over: Partial<EventSummary> = {}) =>
  ({ id, grid: grid ? { code: grid, name: grid } : null, state: 'dispatched', overdue: false, ...over }) as EventSummary;

describe('grid counts', () => {
  it('counts open and overdue cases per grid, skipping finished and ungridded ones', () => {
    const c = countByGrid({ 1: ev(1, 'A'), 2: ev(2, 'A', { overdue: true }), 3: ev(3, 'B', { state: 'closed' }), 4: ev(4, null) });
    expect(c).toEqual({ A: { open: 2, overdue: 1 } });
  });
  it('reports changed grids, zeroing those that emptied', () => {
    expect(changedCounts({ A: { open: 1, overdue: 0 }, B: { open: 1, overdue: 0 } }, { A: { open: 1, overdue: 0 }, C: { open: 1, overdue: 1 } })).toEqual({
      C: { open: 1, overdue: 1 },
      B: { open: 0, overdue: 0 },
    });
  });
});
