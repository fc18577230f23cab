import { z } from 'zod';

/**
 * The shape check at the edge: a FeatureCollection with a features array. Each feature's own shape
 * (type Feature, properties an object) is checked by the import with the rest of its problems and
 * reported per feature, not as one 400, so the caller learns about every bad feature at once; and
 * zod does not walk 150k features on the event loop before the import can run as a job.
 */
export const featureCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  // How many at most: AREA_IMPORT_MAX_FEATURES, checked by the import (413 naming the setting).
  features: z.array(z.unknown()).min(1, 'at least one feature'),
});
export type FeatureCollectionInput = z.output<typeof featureCollectionSchema>;

export interface FeatureInput {
  type: 'Feature';
  geometry: unknown;
  properties: Record<string, unknown>;
}

/** A feature's own shape: null when it is a Feature with object (or null/absent) properties, else why not. */
export function featureProblem(f: unknown): string | null {
  if (!f || typeof f !== 'object' || Array.isArray(f)) return 'not a GeoJSON Feature object';
  const { type, properties } = f as { type?: unknown; properties?: unknown };
  if (type !== 'Feature') return `type is ${JSON.stringify(type) ?? 'missing'}: expected "Feature"`;
  if (properties != null && (typeof properties !== 'object' || Array.isArray(properties))) return 'properties is not an object';
  return null;
}

export type Position = [number, number];
export type PolygonCoords = Position[][];

export type ShapeCheck = { ok: true; polygons: PolygonCoords[] } | { ok: false; reason: string; location: Position | null };

const fail = (reason: string, location: Position | null = null): ShapeCheck => ({ ok: false, reason, location });

/**
 * Structural checks PostGIS cannot report nicely (it throws on them instead of answering
 * ST_IsValidDetail): type, NaN/non-numbers, coordinate ranges, empty, ring length and closure.
 * Returns the polygons as 2D positions; a third ordinate (height) is dropped.
 */
export function checkPolygonal(geometry: unknown): ShapeCheck {
  if (!geometry || typeof geometry !== 'object') return fail('geometry is missing');
  const g = geometry as { type?: unknown; coordinates?: unknown };
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') return fail(`wrong geometry type ${String(g.type)}: expected Polygon or MultiPolygon`);
  if (!Array.isArray(g.coordinates)) return fail('geometry has no coordinates array');
  const raw = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  if (raw.length === 0) return fail('empty geometry');
  const polygons: PolygonCoords[] = [];
  for (const poly of raw) {
    if (!Array.isArray(poly) || poly.length === 0) return fail('empty polygon');
    const rings: Position[][] = [];
    for (const ring of poly) {
      if (!Array.isArray(ring) || ring.length === 0) return fail('empty ring');
      const out: Position[] = [];
      for (const pos of ring) {
        if (!Array.isArray(pos) || pos.length < 2) return fail('a position is not an array of [lon, lat]');
        const [lon, lat] = pos as unknown[];
        if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) {
          return fail(`coordinate is not a finite number: [${String(lon)}, ${String(lat)}]`, out.at(-1) ?? null);
        }
        if (lon < -180 || lon > 180 || lat < -90 || lat > 90) return fail(`coordinate out of range: [${lon}, ${lat}]`, [lon, lat]);
        out.push([lon, lat]);
      }
      if (out.length < 4) return fail(`ring too short: ${out.length} positions (a closed ring needs at least 4)`, out[0]);
      const [f, l] = [out[0], out[out.length - 1]];
      if (f[0] !== l[0] || f[1] !== l[1]) return fail('ring not closed: first and last positions differ', l);
      rings.push(out);
    }
    polygons.push(rings);
  }
  return { ok: true, polygons };
}

/** A property value as an area code (ltree label rules: letters, digits, underscore). */
export function asCode(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(v.trim())) return v.trim();
  return null;
}
