import type { EventSummary } from '@gc/contracts';
import type { Feature, Point } from 'geojson';
import { FINAL_STATES } from '../../events/state/events-store';
import { PersistentMap } from '../../events/state/persistent-map';

export interface EventFilters {
  category: string;
  state: string;
  department: string;
  overdueOnly: boolean;
}
export const NO_FILTERS: EventFilters = { category: '', state: '', department: '', overdueOnly: false };

/** An event is drawn when it has a place, is still open and passes the filters. */
export function visibleOnMap(e: EventSummary, f: EventFilters): boolean {
  if (e.lon === null || e.lat === null || FINAL_STATES.has(e.state)) return false;
  if (f.category && e.category !== f.category) return false;
  if (f.state && e.state !== f.state) return false;
  if (f.department && e.department !== f.department) return false;
  if (f.overdueOnly && !e.overdue) return false;
  return true;
}

/** The properties the layers read, at the value a feature without them stands for (map-style.ts reads them so). */
const USUAL = { urgency: 'normal', overdue: false, warning: 'none' } as const;
type Drawn = { -readonly [K in keyof typeof USUAL]?: EventSummary[K] };

/**
 * An event as the map holds it: its id as the feature id (diffs and feature state key on it) and
 * only the properties the layers read (colour, size, ring), left out at their usual value. 100k
 * features cross to MapLibre's worker on the first load; every value more is 100k more to copy.
 */
export function eventFeature(e: EventSummary): Feature<Point> {
  const properties: Drawn = {};
  if (e.urgency !== USUAL.urgency) properties.urgency = e.urgency;
  if (e.overdue) properties.overdue = true;
  if (e.warning !== USUAL.warning) properties.warning = e.warning;
  return { type: 'Feature', id: e.id, geometry: { type: 'Point', coordinates: [e.lon as number, e.lat as number] }, properties };
}

export interface EventSourceDiff {
  add: Feature<Point>[];
  update: { id: number; newGeometry?: Point; addOrUpdateProperties: { key: string; value: unknown }[] }[];
  remove: number[];
}

/**
 * A MapLibre `updateData` diff that brings the drawn events from `prev` to `next`, looking only at
 * `ids` (the ids that may have changed: `next.changedSince(prev)`). Events are immutable objects,
 * so identity tells an unchanged one apart.
 */
export function diffEvents(prev: PersistentMap<number, EventSummary>, next: PersistentMap<number, EventSummary>, ids: Iterable<number>): EventSourceDiff {
  const diff: EventSourceDiff = { add: [], update: [], remove: [] };
  for (const id of ids) {
    const n = next.get(id);
    const p = prev.get(id);
    if (p === n) continue;
    if (!n) {
      diff.remove.push(id);
      continue;
    }
    if (!p) {
      diff.add.push(eventFeature(n));
      continue;
    }
    // only what the map draws, with the value spelled out (a property left out would keep its old value)
    const props: { key: string; value: unknown }[] = [];
    for (const key of Object.keys(USUAL) as (keyof typeof USUAL)[]) if (p[key] !== n[key]) props.push({ key, value: n[key] });
    const moved = p.lon !== n.lon || p.lat !== n.lat;
    // a change the map does not show (title, state, department…) costs the map nothing
    if (!moved && !props.length) continue;
    diff.update.push({ id: n.id, newGeometry: moved ? { type: 'Point', coordinates: [n.lon as number, n.lat as number] } : undefined, addOrUpdateProperties: props });
  }
  return diff;
}

export const isEmptyDiff = (d: EventSourceDiff) => !d.add.length && !d.update.length && !d.remove.length;

/** The drawn subset of all events (a new lineage: the map gets it whole). */
export function drawnEvents(events: PersistentMap<number, EventSummary>, f: EventFilters): PersistentMap<number, EventSummary> {
  const out: [number, EventSummary][] = [];
  events.forEach((e, id) => {
    if (visibleOnMap(e, f)) out.push([id, e]);
  });
  return PersistentMap.from(out);
}
