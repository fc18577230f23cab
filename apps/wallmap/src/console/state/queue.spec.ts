import type { EventState, EventSummary } from '@gc/contracts';
import { EMPTY_QUEUE, NO_QUEUE_FILTERS, desiredOrder, queueReducer, step } from './queue';

const OPEN = new Set<EventState>(['reported', 'accepted', 'dispatched']);
const ev = (id: number, over: Partial<EventSummary> = {}): EventSummary => ({
  id,
  category: 'exposed_rubbish',
  categoryName: '暴露垃圾',
  urgency: 'normal',
  state: 'reported',
  source: 'hotline',
  title: `#${id}`,
  lon: 118.7,
  lat: 32,
  grid: { code: '320104002001', name: '一网格' },
  department: null,
  createdAt: '2026-12-01T00:00:00Z',
  dueAt: null,
  overdue: false,
  warning: 'none',
  escalationLevel: 0,
  ...over,
});

describe('case queue', () => {
  it('puts overdue first, then the soonest deadline, then cases without one (newest first)', () => {
    const events = [ev(1, { dueAt: '2026-12-03T00:00:00Z' }), ev(2, { dueAt: '2026-12-02T00:00:00Z' }), ev(3, { dueAt: '2026-12-04T00:00:00Z', overdue: true }), ev(4), ev(5), ev(6, { state: 'closed' as EventState })];
    expect(desiredOrder(events, NO_QUEUE_FILTERS, 'due', OPEN)).toEqual([3, 2, 1, 5, 4]);
    expect(desiredOrder(events, NO_QUEUE_FILTERS, 'newest', OPEN)).toEqual([5, 4, 3, 2, 1]);
  });

  it('filters by state, category, department, area and source', () => {
    const events = [ev(1, { department: 'housing' }), ev(2, { source: 'patrol' }), ev(3, { grid: { code: '320105001001', name: 'x' } }), ev(4, { state: 'accepted' })];
    expect(desiredOrder(events, { ...NO_QUEUE_FILTERS, department: 'housing' }, 'due', OPEN)).toEqual([1]);
    expect(desiredOrder(events, { ...NO_QUEUE_FILTERS, source: 'patrol' }, 'due', OPEN)).toEqual([2]);
    expect(desiredOrder(events, { ...NO_QUEUE_FILTERS, area: '320105' }, 'due', OPEN)).toEqual([3]);
    expect(desiredOrder(events, { ...NO_QUEUE_FILTERS, state: 'accepted' }, 'due', OPEN)).toEqual([4]);
  });

  it('holds its order under live updates: newcomers are announced, leavers leave, nothing jumps', () => {
    let q = queueReducer(EMPTY_QUEUE, { type: 'sync', desired: [3, 2, 1] });
    expect(q).toEqual({ order: [3, 2, 1], pending: [] });
    // case 9 arrives and would sort first; 2 is closed elsewhere
    q = queueReducer(q, { type: 'sync', desired: [9, 3, 1] });
    expect(q).toEqual({ order: [3, 1], pending: [9] });
    // the same data again changes nothing (same object: no re-render)
    expect(queueReducer(q, { type: 'sync', desired: [9, 3, 1] })).toBe(q);
    // the operator asks for the new ones: re-sorted
    q = queueReducer(q, { type: 'reorder', desired: [9, 3, 1] });
    expect(q).toEqual({ order: [9, 3, 1], pending: [] });
  });

  it('moves with the arrow keys and stops at the ends', () => {
    expect(step([5, 6, 7], null, 1)).toBe(5);
    expect(step([5, 6, 7], null, -1)).toBe(7);
    expect(step([5, 6, 7], 5, 1)).toBe(6);
    expect(step([5, 6, 7], 7, 1)).toBe(7);
    expect(step([5, 6, 7], 5, -1)).toBe(5);
    expect(step([], 5, 1)).toBeNull();
  });
});
