import type { EventSummary } from '@gc/contracts';
import { PersistentMap } from '../../events/state/persistent-map';
import type { EventSourceDiff } from './event-diff';
import type { GridCount } from './grid-counts';
import { EventsSync, GridCountsSync } from './map-sync';

const ev = (id: number, over: Partial<EventSummary> = {}) => ({ id, category: 'c', urgency: 'normal', state: 'reported', title: `e${id}`, lon: 118, lat: 32, overdue: false, warning: 'none', ...over }) as EventSummary;

describe('EventsSync', () => {
  it('sends a whole new set with setData and a live batch as an updateData of the changed ids only', () => {
    const calls: (['set', number] | ['update', EventSourceDiff])[] = [];
    const sync = new EventsSync(() => ({ setData: (d) => calls.push(['set', d.features.length]), updateData: (d) => calls.push(['update', d]) }));
    const first = PersistentMap.from([1, 2, 3].map((id) => [id, ev(id)] as const));
    expect(sync.apply(first)).toBe('whole');
    expect(sync.apply(first)).toBe('same');
    const second = first.with([
      [2, ev(2, { overdue: true })],
      [3, undefined],
      [4, ev(4)],
    ]);
    expect(sync.apply(second)).toBe('diff');
    const [, diff] = calls[1] as ['update', EventSourceDiff];
    expect(diff.add.map((f) => f.id)).toEqual([4]);
    expect(diff.remove).toEqual([3]);
    expect(diff.update.map((u) => u.id)).toEqual([2]);
    // a set of another lineage (new filter, replay) goes whole again
    expect(sync.apply(PersistentMap.from([[5, ev(5)]]))).toBe('whole');
    expect(calls.map((c) => c[0])).toEqual(['set', 'update', 'set']);
  });
});

describe('GridCountsSync', () => {
  it('sets feature state for the grids whose counts changed, zeroing those that emptied', () => {
    const set: [string, Record<string, unknown>][] = [];
    const sync = new GridCountsSync({ setFeatureState: (f, s) => set.push([f.id, s]) }, { source: 'areas', sourceLayer: 'areas' });
    const a = PersistentMap.from<string, GridCount>([
      ['A', { open: 1, overdue: 0 }],
      ['B', { open: 2, overdue: 1 }],
    ]);
    expect(sync.apply(a)).toBe(2);
    const b = a.with([
      ['A', undefined],
      ['C', { open: 1, overdue: 0 }],
    ]);
    set.length = 0;
    expect(sync.apply(b)).toBe(2);
    expect(Object.fromEntries(set)).toEqual({ A: { open: 0, overdue: 0 }, C: { open: 1, overdue: 0 } });
  });
});
