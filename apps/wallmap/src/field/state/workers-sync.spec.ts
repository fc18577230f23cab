import type { FeatureCollection } from 'geojson';
import type { LiveMessage, WorkerPositionData } from '@gc/contracts';
import { ThrottledFeed } from './worker-feed';
import { diffWorkers, WorkersSync } from './workers-sync';

const pos = (workerId: number, lon: number, state: WorkerPositionData['state'] = 'idle'): WorkerPositionData => ({ workerId, name: `w${workerId}`, lon, lat: 32, at: '2026-12-07T00:00:00Z', accuracy: 5, patrolId: null, state, openTasks: 0 });
const msg = (seq: number, data: unknown, type = 'worker.position'): LiveMessage => ({ seq, type, id: '1', at: '2026-12-07T00:00:00Z', areaPath: 'A', data }) as LiveMessage;

describe('the wall worker layer: diffs to the map, a throttled feed', () => {
  it('sends the first set whole, then only the workers that changed or left', () => {
    const calls: string[] = [];
    const source = { setData: (d: FeatureCollection) => calls.push(`set ${d.features.length}`), updateData: (d: { add?: { id?: unknown }[]; remove?: number[] }) => calls.push(`update +${(d.add ?? []).map((f) => f.id).join(',')} -${(d.remove ?? []).join(',')}`) };
    const sync = new WorkersSync(() => source);
    const a = new Map([[1, pos(1, 118.1)], [2, pos(2, 118.2)], [3, pos(3, 118.3)]]);
    expect(sync.apply(a)).toBe('whole');
    expect(sync.apply(a)).toBe('same');
    const b = new Map(a);
    b.set(2, pos(2, 118.25, 'on_patrol'));
    b.delete(3);
    b.set(4, pos(4, 118.4));
    expect(sync.apply(b)).toBe('diff');
    expect(calls).toEqual(['set 3', 'update +2,4 -3']);
    expect(diffWorkers(b, new Map(b))).toEqual({ add: [], remove: [] });
  });

  it('hands on worker messages at most once per interval, the newest per worker, the first at once', () => {
    jest.useFakeTimers();
    let now = 0;
    const got: number[][] = [];
    const feed = new ThrottledFeed((m) => got.push(m.map((x) => x.seq)), 1000, () => now);
    feed.push([msg(1, pos(1, 118.1)), msg(2, { id: 9 }, 'event.created')]);
    expect(got).toEqual([[1]]);
    now = 100;
    feed.push([msg(3, pos(1, 118.2)), msg(4, pos(2, 118.3))]);
    feed.push([msg(5, pos(1, 118.3))]);
    expect(got).toHaveLength(1);
    now = 1000;
    jest.advanceTimersByTime(900);
    expect(got).toEqual([[1], [5, 4]]);
    feed.push([msg(6, pos(2, 118.4))]);
    expect(got).toHaveLength(2); // within a second of the last: waits
    now = 2000;
    jest.advanceTimersByTime(1000);
    expect(got).toEqual([[1], [5, 4], [6]]);
    feed.stop();
    jest.useRealTimers();
  });
});
