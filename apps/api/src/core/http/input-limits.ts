import type { AppConfig } from '../config/config.schema';

/**
 * Limits on what one request may ask the API to chew on (README "Limits"). They come from the
 * typed config (JSON_MAX_DEPTH, AREA_*, FOOTPRINT_*) and are set once at boot by `applyInputLimits`:
 * the zod schemas at the edge are module constants, so they read the values from here at parse time.
 */
export interface GeometryLimits {
  /** the config variable named in answers, so a caller knows which setting stopped them */
  vertices: { max: number; setting: string };
  rings: { max: number; setting: string };
}

export const inputLimits = {
  jsonMaxDepth: 32,
  area: { vertices: { max: 200_000, setting: 'AREA_MAX_VERTICES' }, rings: { max: 10_000, setting: 'AREA_MAX_RINGS' } } as GeometryLimits,
  footprint: { vertices: { max: 5_000, setting: 'FOOTPRINT_MAX_VERTICES' }, rings: { max: 100, setting: 'FOOTPRINT_MAX_RINGS' } } as GeometryLimits,
};

export function applyInputLimits(c: AppConfig): void {
  inputLimits.jsonMaxDepth = c.JSON_MAX_DEPTH;
  inputLimits.area.vertices.max = c.AREA_MAX_VERTICES;
  inputLimits.area.rings.max = c.AREA_MAX_RINGS;
  inputLimits.footprint.vertices.max = c.FOOTPRINT_MAX_VERTICES;
  inputLimits.footprint.rings.max = c.FOOTPRINT_MAX_RINGS;
}

export interface LimitExceeded {
  limit: string;
  max: number;
  /** how many were counted before stopping (at least max + 1; counting stops there) */
  atLeast: number;
  message: string;
}

/**
 * Count the rings and positions of a Polygon/MultiPolygon's coordinates, stopping as soon as a
 * limit is passed (a 1.4M-vertex polygon costs max+1 steps, not 1.4M). Anything not shaped like
 * coordinates is left for the shape check to report. Returns null when within the limits.
 */
export function geometryOverLimits(geometry: unknown, limits: GeometryLimits): LimitExceeded | null {
  if (!geometry || typeof geometry !== 'object') return null;
  const g = geometry as { type?: unknown; coordinates?: unknown };
  if (!Array.isArray(g.coordinates)) return null;
  const polygons = g.type === 'MultiPolygon' ? g.coordinates : [g.coordinates];
  let rings = 0;
  let vertices = 0;
  for (const poly of polygons) {
    if (!Array.isArray(poly)) continue;
    rings += poly.length;
    if (rings > limits.rings.max) return over(limits.rings, rings, 'rings');
    for (const ring of poly) {
      if (!Array.isArray(ring)) continue;
      vertices += ring.length;
      if (vertices > limits.vertices.max) return over(limits.vertices, vertices, 'vertices');
    }
  }
  return null;
}

function over(l: { max: number; setting: string }, n: number, what: string): LimitExceeded {
  return { limit: l.setting, max: l.max, atLeast: n, message: `geometry has more than ${l.max.toLocaleString('en')} ${what} (limit ${l.setting})` };
}
