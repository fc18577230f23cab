import { area } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from 'geojson';

type Ring = Position[];

/** Signed distance from a point to a polygon's outline: positive inside, negative outside. */
function signedDistance(x: number, y: number, rings: Ring[]): number {
  let inside = false;
  let min = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[i];
      const [bx, by] = ring[j];
      if (ay > y !== by > y && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
      const dx = bx - ax;
      const dy = by - ay;
      const len = dx * dx + dy * dy;
      const t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
      const ex = ax + t * dx - x;
      const ey = ay + t * dy - y;
      min = Math.min(min, ex * ex + ey * ey);
    }
  }
  return (inside ? 1 : -1) * Math.sqrt(min);
}

/** Area in m² of one polygon (outer ring minus holes), on the sphere. */
const polygonArea = (rings: Ring[]): number => area({ type: 'Polygon', coordinates: rings });

/**
 * The point deepest inside a polygon (pole of inaccessibility, after mapbox/polylabel, ISC):
 * cells of a quadtree are split while they could still hold a deeper point. One label per
 * area at its visual centre, instead of one per vector tile at a tile's piece of it.
 */
export function poleOfInaccessibility(rings: Ring[], precision: number): Position {
  const outer = rings[0];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of outer) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  const size = Math.min(maxX - minX, maxY - minY);
  if (size === 0) return [minX, minY];
  interface Cell {
    x: number;
    y: number;
    h: number;
    d: number;
    max: number;
  }
  const cell = (x: number, y: number, h: number): Cell => {
    const d = signedDistance(x, y, rings);
    return { x, y, h, d, max: d + h * Math.SQRT2 };
  };
  const queue: Cell[] = [];
  const h = size / 2;
  for (let x = minX; x < maxX; x += size) for (let y = minY; y < maxY; y += size) queue.push(cell(x + h, y + h, h));
  let best = cell((minX + maxX) / 2, (minY + maxY) / 2, 0);
  for (const c of queue) if (c.d > best.d) best = c;
  let guard = 0;
  while (queue.length && guard++ < 5000) {
    // the most promising cell first (a sorted array is enough for a few hundred cells)
    let k = 0;
    for (let i = 1; i < queue.length; i++) if (queue[i].max > queue[k].max) k = i;
    const c = queue.splice(k, 1)[0];
    if (c.d > best.d) best = c;
    if (c.max - best.d <= precision) continue;
    const q = c.h / 2;
    queue.push(cell(c.x - q, c.y - q, q), cell(c.x + q, c.y - q, q), cell(c.x - q, c.y + q, q), cell(c.x + q, c.y + q, q));
  }
  return [best.x, best.y];
}

export interface LabelProps {
  code: string;
  name: string;
  level: string;
}

/** One label point per area (inside its largest part), for a symbol layer over a GeoJSON source. */
export function labelPoints(fc: FeatureCollection): FeatureCollection<Point, LabelProps> {
  const out: Feature<Point, LabelProps>[] = [];
  for (const f of fc.features) {
    const g = f.geometry as Polygon | MultiPolygon | null;
    const p = (f.properties ?? {}) as Record<string, unknown>;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon') || typeof p.code !== 'string') continue;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    const largest = polys.reduce((a, b) => (polygonArea(b) > polygonArea(a) ? b : a));
    const [x0, x1] = [Math.min(...largest[0].map((c) => c[0])), Math.max(...largest[0].map((c) => c[0]))];
    const at = poleOfInaccessibility(largest, (x1 - x0) / 200);
    out.push({ type: 'Feature', id: p.code, geometry: { type: 'Point', coordinates: at }, properties: { code: p.code, name: String(p.name ?? p.code), level: String(p.level ?? '') } });
  }
  return { type: 'FeatureCollection', features: out };
}
