import type { EventSummary } from '@gc/contracts';
import type { Feature, Point } from 'geojson';
import { FINAL_STATES } from '../../events/state/events-store';

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

export function eventFeature(e: EventSummary): Feature<Point> {
  return {
    type: 'Feature',
    id: e.id,
    geometry: { type: 'Point', coordinates: [e.lon as number, e.lat as number] },
    properties: {
      id: e.id,
      category: e.category,
      urgency: e.urgency,
      state: e.state,
      overdue: e.overdue,
      warning: e.warning,
      title: e.title,
    },
  };
}

export interface EventSourceDiff {
  add: Feature<Point>[];
  update: { id: number; newGeometry?: Point; addOrUpdateProperties: { key: string; value: unknown }[] }[];
  remove: number[];
}

/**
 * What changed between two sets of drawn events, as a MapLibre `updateData` diff.
 * Events are immutable objects, so identity tells an unchanged one apart cheaply.
 */
export function diffEvents(prev: Record<number, EventSummary>, next: Record<number, EventSummary>): EventSourceDiff {
  const diff: EventSourceDiff = { add: [], update: [], remove: [] };
  for (const key in next) {
    const n = next[key];
    const p = prev[key];
    if (p === n) continue;
    if (!p) {
      diff.add.push(eventFeature(n));
      continue;
    }
    const f = eventFeature(n);
    diff.update.push({
      id: n.id,
      newGeometry: p.lon !== n.lon || p.lat !== n.lat ? f.geometry : undefined,
      addOrUpdateProperties: Object.entries(f.properties ?? {}).map(([key, value]) => ({ key, value })),
    });
  }
  for (const key in prev) if (!(key in next)) diff.remove.push(prev[key].id);
  return diff;
}

export const isEmptyDiff = (d: EventSourceDiff) => !d.add.length && !d.update.length && !d.remove.length;

/** The drawn subset, keeping object identity so `diffEvents` stays cheap. */
export function drawnEvents(events: Record<number, EventSummary>, f: EventFilters): Record<number, EventSummary> {
  const out: Record<number, EventSummary> = {};
  for (const key in events) if (visibleOnMap(events[key], f)) out[key] = events[key];
  return out;
}
