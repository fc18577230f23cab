import type { LiveMessage, WorkerPositionData } from '@gc/contracts';
import { routeLive } from '../../live/live-handlers';
import { newWallBatch, WALL_LIVE } from '../../shell/state/wall-live';
import { initialWorkers, workersGeoJson, workersLive, workersSnapshot } from './workers-store';

const pos = (workerId: number, lon: number, state: WorkerPositionData['state'] = 'idle'): WorkerPositionData => ({ workerId, name: `w${workerId}`, lon, lat: 32, at: '2026-12-07T00:00:00Z', accuracy: 5, patrolId: null, state, openTasks: 0 });
const msg = (seq: number, data: unknown): LiveMessage<'worker.position'> => ({ seq, type: 'worker.position', id: '1', at: '2026-12-07T00:00:00Z', areaPath: 'A', data }) as LiveMessage<'worker.position'>;

describe('wall worker layer state', () => {
  it('applies positions by seq: newer wins, older and repeated change nothing, other types never reach it, malformed data ignored', () => {
    let s = workersLive(initialWorkers, [msg(5, pos(1, 118.1))]);
    s = workersLive(s, [msg(4, pos(1, 118.0)), msg(5, pos(1, 118.0))]);
    expect(s.byId.get(1)!.lon).toBe(118.1);
    // the wall hands the layer worker.position messages only (its live handlers)
    const other = { seq: 9, type: 'event.created', id: '3', at: '', areaPath: null, data: { id: 3, state: 'reported' } } as LiveMessage;
    expect(routeLive(WALL_LIVE, [other], newWallBatch()).workers).toEqual([]);
    expect(workersLive(s, [msg(9, { id: 3, state: 'reported' })])).toBe(s);
    s = workersLive(s, [msg(6, pos(1, 118.2, 'on_patrol')), msg(7, pos(2, 118.3))]);
    expect([...s.byId.values()].map((w) => [w.workerId, w.lon, w.state])).toEqual([[1, 118.2, 'on_patrol'], [2, 118.3, 'idle']]);
  });

  it('keeps a live message newer than the snapshot it races with', () => {
    const live = workersLive(initialWorkers, [msg(12, pos(1, 118.5))]);
    const s = workersSnapshot(live, [pos(1, 118.0), pos(2, 118.1)], 10);
    expect(s.byId.get(1)!.lon).toBe(118.5);
    expect(s.byId.get(2)!.lon).toBe(118.1);
  });

  it('draws one point per worker with its state', () => {
    const s = workersLive(initialWorkers, [msg(1, pos(7, 118.7, 'offline'))]);
    expect(workersGeoJson(s).features).toEqual([{ type: 'Feature', id: 7, properties: { id: 7, name: 'w7', state: 'offline', openTasks: 0 }, geometry: { type: 'Point', coordinates: [118.7, 32] } }]);
  });
});
