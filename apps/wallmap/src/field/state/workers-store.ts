import type { FeatureCollection } from 'geojson';
import type { LiveMessage, WorkerPositionData } from '@gc/contracts';
import { workerFeature } from './workers-sync';

/** The wall's grid workers: latest position and state per worker, with the seq that set it. */
export interface WorkersState {
  byId: ReadonlyMap<number, WorkerPositionData>;
  seq: ReadonlyMap<number, number>;
}

export const initialWorkers: WorkersState = { byId: new Map(), seq: new Map() };

const isPosition = (d: unknown): d is WorkerPositionData =>
  !!d && typeof d === 'object' && typeof (d as WorkerPositionData).workerId === 'number' && typeof (d as WorkerPositionData).lon === 'number';

/** The snapshot (GET /api/field/positions/latest) taken at seq `latest`: live messages after it win. */
export function workersSnapshot(state: WorkersState, rows: WorkerPositionData[], latest: number): WorkersState {
  const byId = new Map(state.byId);
  const seq = new Map(state.seq);
  for (const r of rows) {
    if ((seq.get(r.workerId) ?? -1) > latest) continue;
    byId.set(r.workerId, r);
    seq.set(r.workerId, latest);
  }
  return { byId, seq };
}

/** Apply `worker.position` messages by seq (an older or repeated message changes nothing). */
export function workersLive(state: WorkersState, messages: LiveMessage<'worker.position'>[]): WorkersState {
  let byId: Map<number, WorkerPositionData> | null = null;
  let seq: Map<number, number> | null = null;
  for (const m of messages) {
    if (!isPosition(m.data)) continue;
    const id = m.data.workerId;
    if ((seq ?? state.seq).get(id) !== undefined && (seq ?? state.seq).get(id)! >= m.seq) continue;
    byId ??= new Map(state.byId);
    seq ??= new Map(state.seq);
    byId.set(id, m.data);
    seq.set(id, m.seq);
  }
  return byId && seq ? { byId, seq } : state;
}

/** The whole layer as one collection (the first load; the wall then sends diffs: workers-sync.ts). */
export function workersGeoJson(state: WorkersState): FeatureCollection {
  return { type: 'FeatureCollection', features: [...state.byId.values()].map(workerFeature) };
}
