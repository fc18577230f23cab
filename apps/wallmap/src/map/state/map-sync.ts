import type { EventSummary } from '@gc/contracts';
import type { FeatureCollection, Point } from 'geojson';
import { PersistentMap } from '../../events/state/persistent-map';
import { diffEvents, eventFeature, isEmptyDiff, type EventSourceDiff } from './event-diff';
import { changedCounts, NO_CASES, type GridCount } from './grid-counts';

/** The two calls of MapLibre's GeoJSONSource the wall makes on its events source (a fake in unit tests). */
export interface EventsSourceLike {
  setData(data: FeatureCollection<Point>): unknown;
  updateData(diff: EventSourceDiff): unknown;
}

/** MapLibre's `Map.setFeatureState`, as the grid colours use it. */
export interface FeatureStateLike {
  setFeatureState(feature: { source: string; sourceLayer?: string; id: string }, state: Record<string, unknown>): void;
}

export type EventsSyncResult = 'same' | 'diff' | 'whole';

/**
 * Keeps the map's one events source equal to the drawn events. A live batch goes as an
 * `updateData` diff of the ids that changed since the version the map last got (the persistent
 * map knows them, so nothing walks all drawn events); a whole new set (the first snapshot, a
 * filter change, the replay) goes as one `setData`.
 */
export class EventsSync {
  private shown: PersistentMap<number, EventSummary> | null = null;

  constructor(private readonly source: () => EventsSourceLike) {}

  /** `whole` sends everything even when a diff would do (the render bench's peer). */
  apply(drawn: PersistentMap<number, EventSummary>, whole = false): EventsSyncResult {
    const prev = this.shown;
    if (prev === drawn) return 'same';
    this.shown = drawn;
    const ids = prev && !whole ? drawn.changedSince(prev) : null;
    if (prev && ids) {
      const diff = diffEvents(prev, drawn, ids);
      if (!isEmptyDiff(diff)) void this.source().updateData(diff);
      return 'diff';
    }
    void this.source().setData(allFeatures(drawn));
    return 'whole';
  }
}

export function allFeatures(drawn: PersistentMap<number, EventSummary>): FeatureCollection<Point> {
  const features: FeatureCollection<Point>['features'] = [];
  drawn.forEach((e) => features.push(eventFeature(e)));
  return { type: 'FeatureCollection', features };
}

/**
 * Colours the grids by their open and overdue cases through feature state (the grid geometry is
 * never sent again): per batch only the grids whose counts changed get a `setFeatureState`.
 */
export class GridCountsSync {
  private shown: PersistentMap<string, GridCount> = PersistentMap.empty();

  constructor(
    private readonly map: FeatureStateLike,
    private readonly target: { source: string; sourceLayer?: string },
  ) {}

  /** Returns how many grids got new counts. */
  apply(counts: PersistentMap<string, GridCount>): number {
    const prev = this.shown;
    if (prev === counts) return 0;
    this.shown = counts;
    const codes = counts.changedSince(prev);
    const changed: Iterable<[string, GridCount]> = codes ? codes.map((c) => [c, counts.get(c) ?? NO_CASES]) : changedCounts(prev, counts);
    let n = 0;
    for (const [code, c] of changed) {
      this.map.setFeatureState({ ...this.target, id: code }, { open: c.open, overdue: c.overdue });
      n++;
    }
    return n;
  }
}
