import type { FeatureCollection, Geometry } from 'geojson';
import type { LiveMessage, OnTimeStats } from '@gc/contracts';
import type { FlyTarget, LayerVisibility } from '../../map/components/wall-map';
import type { PointLayer } from '../../map/api/registry-api';
import type { PointKind } from '../../map/state/map-style';
import { NO_FILTERS, type EventFilters } from '../../map/state/event-diff';

/** The wall's own state (the cases are the events store's, the workers the workers store's). */
export interface WallState {
  /** the intake form is mounted (its draft kept) / on screen */
  intake: boolean;
  intakeShown: boolean;
  /** a map pick for the intake form or a case being placed */
  pick: [number, number] | null;
  placing: boolean;
  leftTab: 'queue' | 'summons';
  /** bumped when a summons changes: the summons board reloads */
  summonsTick: number;
  /** bumped when an area version is published: what is attributed to grids reloads, tiles too */
  areasKey: number;
  snapshotLoaded: boolean;
  selected: number | null;
  filters: EventFilters;
  layers: LayerVisibility;
  flyTo: FlyTarget | null;
  stats: OnTimeStats | null;
  people: Record<string, number> | null;
  labels: FeatureCollection | null;
  points: Partial<Record<PointKind, PointLayer | 'loading' | 'failed'>>;
  /** the last three problems, newest first */
  errors: string[];
  replayAt: number | null;
  replayChanges: LiveMessage[];
  now: Date;
  worker: number | null;
  track: Geometry | null;
}

export const initialWallState = (): WallState => ({
  intake: false,
  intakeShown: false,
  pick: null,
  placing: false,
  leftTab: 'queue',
  summonsTick: 0,
  areasKey: 0,
  snapshotLoaded: false,
  selected: null,
  filters: NO_FILTERS,
  layers: { grids: true, events: true, people: false, places: false, objects: false, organizations: false },
  flyTo: null,
  stats: null,
  people: null,
  labels: null,
  points: {},
  errors: [],
  replayAt: null,
  replayChanges: [],
  now: new Date(),
  worker: null,
  track: null,
});

export type WallAction =
  | { type: 'intake-open' }
  | { type: 'intake-close' }
  /** the intake form made (or found) a case: the form goes, the case is selected */
  | { type: 'intake-done' }
  /** a case chosen in the queue, the summons list or on the map: selected, brought into view when it has a point */
  | { type: 'select-case'; id: number; center: [number, number] | null }
  | { type: 'select'; id: number | null }
  | { type: 'pick'; at: [number, number] | null }
  | { type: 'placing'; on: boolean }
  | { type: 'tab'; tab: WallState['leftTab'] }
  | { type: 'live'; summonsChanged: boolean; areasRedrawn: boolean }
  | { type: 'snapshot-loaded' }
  | { type: 'filters'; filters: EventFilters }
  | { type: 'layers'; layers: LayerVisibility }
  | { type: 'fly'; to: FlyTarget }
  | { type: 'stats'; stats: OnTimeStats | null }
  | { type: 'people'; people: Record<string, number> | null }
  | { type: 'labels'; labels: FeatureCollection | null }
  | { type: 'points'; kind: PointKind; layer: PointLayer | 'loading' | 'failed' }
  | { type: 'error'; message: string }
  | { type: 'replay-at'; at: number | null }
  | { type: 'replay-changes'; changes: LiveMessage[] }
  | { type: 'tick'; now: Date }
  | { type: 'worker'; id: number }
  | { type: 'worker-close' }
  | { type: 'track'; track: Geometry | null };

export function wallReducer(s: WallState, a: WallAction): WallState {
  switch (a.type) {
    case 'intake-open':
      return { ...s, intake: true, intakeShown: true };
    case 'intake-close':
      return { ...s, intake: false, intakeShown: false, pick: null };
    case 'intake-done':
      return { ...s, intake: false, pick: null };
    case 'select-case':
      return { ...s, selected: a.id, intakeShown: false, flyTo: a.center ? { center: a.center, key: Date.now() } : s.flyTo };
    case 'select':
      return { ...s, selected: a.id };
    case 'pick':
      return { ...s, pick: a.at };
    case 'placing':
      return { ...s, placing: a.on, pick: a.on ? null : s.pick };
    case 'tab':
      return { ...s, leftTab: a.tab };
    case 'live':
      if (!a.summonsChanged && !a.areasRedrawn) return s;
      return { ...s, summonsTick: s.summonsTick + (a.summonsChanged ? 1 : 0), areasKey: s.areasKey + (a.areasRedrawn ? 1 : 0) };
    case 'snapshot-loaded':
      return { ...s, snapshotLoaded: true };
    case 'filters':
      return { ...s, filters: a.filters };
    case 'layers':
      return { ...s, layers: a.layers };
    case 'fly':
      return { ...s, flyTo: a.to };
    case 'stats':
      return { ...s, stats: a.stats };
    case 'people':
      return { ...s, people: a.people };
    case 'labels':
      return { ...s, labels: a.labels };
    case 'points':
      return { ...s, points: { ...s.points, [a.kind]: a.layer } };
    case 'error':
      return { ...s, errors: [a.message, ...s.errors.filter((x) => x !== a.message)].slice(0, 3) };
    case 'replay-at':
      return { ...s, replayAt: a.at };
    case 'replay-changes':
      return { ...s, replayChanges: a.changes };
    case 'tick':
      return { ...s, now: a.now };
    case 'worker':
      return { ...s, worker: a.id };
    case 'worker-close':
      return { ...s, worker: null, track: null };
    case 'track':
      return { ...s, track: a.track };
    default: {
      const never: never = a;
      return never;
    }
  }
}
