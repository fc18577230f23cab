import type { Feature, FeatureCollection, Point } from 'geojson';
import type { WorkerPositionData } from '@gc/contracts';

/** The two calls of MapLibre's GeoJSONSource the worker layer makes (a fake in unit tests). */
export interface WorkersSourceLike {
  setData(data: FeatureCollection): unknown;
  updateData(diff: { add?: Feature[]; remove?: number[] }): unknown;
}

/** One point per worker, its state as a property (colour by state), the worker's id as the feature id. */
export function workerFeature(w: WorkerPositionData): Feature<Point> {
  return { type: 'Feature', id: w.workerId, properties: { id: w.workerId, name: w.name, state: w.state, openTasks: w.openTasks }, geometry: { type: 'Point', coordinates: [w.lon, w.lat] } };
}

/** Workers new or changed since `prev` (a new object from the store means changed) and those gone. */
export function diffWorkers(prev: ReadonlyMap<number, WorkerPositionData>, next: ReadonlyMap<number, WorkerPositionData>): { add: Feature[]; remove: number[] } {
  const add: Feature[] = [];
  const remove: number[] = [];
  for (const [id, w] of next) if (prev.get(id) !== w) add.push(workerFeature(w));
  for (const id of prev.keys()) if (!next.has(id)) remove.push(id);
  return { add, remove };
}

/**
 * Keeps the map's workers source equal to the store: the first set as one `setData`, then only
 * the workers that changed as an `updateData` diff (an added feature replaces the one with its id).
 */
export class WorkersSync {
  private shown: ReadonlyMap<number, WorkerPositionData> | null = null;

  constructor(private readonly source: () => WorkersSourceLike | undefined) {}

  apply(workers: ReadonlyMap<number, WorkerPositionData>): 'same' | 'diff' | 'whole' {
    const prev = this.shown;
    if (prev === workers) return 'same';
    const src = this.source();
    if (!src) return 'same';
    this.shown = workers;
    if (!prev) {
      void src.setData({ type: 'FeatureCollection', features: [...workers.values()].map(workerFeature) });
      return 'whole';
    }
    const diff = diffWorkers(prev, workers);
    if (diff.add.length || diff.remove.length) void src.updateData({ ...(diff.add.length ? { add: diff.add } : {}), ...(diff.remove.length ? { remove: diff.remove } : {}) });
    return 'diff';
  }
}
