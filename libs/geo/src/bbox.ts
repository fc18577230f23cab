import { bbox } from '@turf/turf';
import type { Geometry } from 'geojson';

/** The lon/lat box [west, south, east, north] of a GeoJSON geometry; null when it has no positions. */
export function bboxOf(geometry: Geometry | null | undefined): [number, number, number, number] | null {
  if (!geometry) return null;
  const [w, s, e, n] = bbox(geometry);
  return Number.isFinite(w) ? [w, s, e, n] : null;
}
