import type { EventSummary } from '@gc/contracts';
import { PersistentMap } from '../../events/state/persistent-map';
import { diffEvents, drawnEvents, eventFeature, NO_FILTERS } from './event-diff';

const table = (...es: EventSummary[]) => PersistentMap.from(es.map((e) => [e.id, e] as const));

const ev = (id: number, over: Partial<EventSummary> = {}): EventSummary => ({
  id,
  category: 'environment',
  categoryName: '环境卫生',
  urgency: 'normal',
  state: 'reported',
  source: 'patrol',
  title: `e${id}`,
  lon: 118.79,
  lat: 32.06,
  grid: null,
  department: 'city',
  createdAt: '2025-06-01T08:00:00.000Z',
  dueAt: null,
  overdue: false,
  warning: 'none',
  escalationLevel: 0,
  ...over,
});

describe('diffEvents', () => {
  it('adds new, updates changed (geometry only when moved), removes gone, skips unchanged', () => {
    const a = ev(1);
    const b = ev(2);
    const c = ev(3);
    const b2 = ev(2, { state: 'dispatched', urgency: 'critical' });
    const c2 = ev(3, { lon: 118.8 });
    const d = ev(4);
    const e2 = ev(5, { title: 'renamed' });
    const prev = table(a, b, c, ev(5));
    // the ids the store says changed: 1 gone, 2, 3 and 5 replaced, 4 new
    const next = prev.with([
      [1, undefined],
      [2, b2],
      [3, c2],
      [4, d],
      [5, e2],
    ]);
    const diff = diffEvents(prev, next, next.changedSince(prev)!);
    expect(diff.add.map((f) => f.id)).toEqual([4]);
    expect(diff.remove).toEqual([1]);
    expect(diff.update.map((u) => u.id)).toEqual([2, 3]);
    expect(diff.update[1].addOrUpdateProperties).toEqual([]);
    expect(diff.update[0].newGeometry).toBeUndefined();
    // only what the map draws: urgency changed, state is not on the map, and 5 changed only its title
    expect(diff.update[0].addOrUpdateProperties).toEqual([{ key: 'urgency', value: 'critical' }]);
    expect(diff.update[1].newGeometry).toEqual({ type: 'Point', coordinates: [118.8, 32.06] });
  });
});

describe('eventFeature', () => {
  it('keeps the id and only the drawn properties that differ from their usual value', () => {
    expect(eventFeature(ev(7))).toEqual({ type: 'Feature', id: 7, geometry: { type: 'Point', coordinates: [118.79, 32.06] }, properties: {} });
    expect(eventFeature(ev(7, { urgency: 'critical', overdue: true, warning: 'red' })).properties).toEqual({ urgency: 'critical', overdue: true, warning: 'red' });
  });
  it('spells a property back to its usual value out in an update', () => {
    const prev = table(ev(1, { overdue: true }));
    const next = prev.with([[1, ev(1)]]);
    expect(diffEvents(prev, next, [1]).update[0].addOrUpdateProperties).toEqual([{ key: 'overdue', value: false }]);
  });
});

describe('drawnEvents', () => {
  it('drops unplaced and finished events and applies the filters', () => {
    const all = table(ev(1), ev(2, { lon: null, lat: null }), ev(3, { state: 'closed' }), ev(4, { overdue: true, category: 'safety' }));
    const ids = (m: PersistentMap<number, EventSummary>) => [...m.keys()].sort();
    expect(ids(drawnEvents(all, NO_FILTERS))).toEqual([1, 4]);
    expect(ids(drawnEvents(all, { ...NO_FILTERS, overdueOnly: true }))).toEqual([4]);
    expect(ids(drawnEvents(all, { ...NO_FILTERS, category: 'environment' }))).toEqual([1]);
    expect(drawnEvents(all, NO_FILTERS).get(1)).toBe(all.get(1));
  });
});
