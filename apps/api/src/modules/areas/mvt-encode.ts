import vtpbf from 'vt-pbf';

export const TILE_EXTENT = 4096;
/** Half the width of the spherical-mercator world in metres (EPSG:3857). */
const HALF = 20037508.342789244;

export interface TileRow {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
  /** GeoJSON Polygon or MultiPolygon in EPSG:3857 metres, already clipped and simplified */
  geom: { type: string; coordinates: number[][][] | number[][][][] };
}

/** Tile bounds in EPSG:3857 (as ST_TileEnvelope gives them). */
export function tileBounds(z: number, x: number, y: number) {
  const span = (2 * HALF) / 2 ** z;
  return { minX: -HALF + x * span, maxY: HALF - y * span, span };
}

/** Surveyor's formula in tile coordinates (y down): positive = exterior ring per MVT spec 2.1 §4.3.4.4. */
function signedArea(ring: [number, number][]): number {
  let s = 0;
  for (let i = 0; i < ring.length - 1; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return s;
}

/**
 * Encode rows into one MVT layer `areas` in Node (used where PostGIS has no ST_AsMVT:
 * the embedded build lacks protobuf). Coordinates go to integer tile units (extent 4096,
 * y down), repeated points drop out, degenerate rings are skipped, and rings are wound as
 * the spec says: exterior positive area (clockwise on screen), holes negative.
 */
export function encodeAreasTile(rows: TileRow[], z: number, x: number, y: number): Buffer {
  const { minX, maxY, span } = tileBounds(z, x, y);
  const k = TILE_EXTENT / span;
  const features = [];
  for (const r of rows) {
    const polys = (r.geom.type === 'Polygon' ? [r.geom.coordinates] : r.geom.type === 'MultiPolygon' ? r.geom.coordinates : []) as number[][][][];
    const rings: [number, number][][] = [];
    for (const poly of polys) {
      poly.forEach((ring, i) => {
        const out: [number, number][] = [];
        for (const [X, Y] of ring) {
          const p: [number, number] = [Math.round((X - minX) * k), Math.round((maxY - Y) * k)];
          const last = out[out.length - 1];
          if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
        }
        if (out.length < 4) return;
        const a = signedArea(out);
        if (a === 0) return;
        if ((i === 0) !== a > 0) out.reverse();
        rings.push(out);
      });
    }
    if (!rings.length) continue;
    features.push({ type: 3, geometry: rings, tags: { code: r.code, name: r.name, level: r.level, parent_code: r.parent_code ?? '' } });
  }
  return Buffer.from(vtpbf.fromGeojsonVt({ areas: { features } } as never, { version: 2, extent: TILE_EXTENT }));
}
