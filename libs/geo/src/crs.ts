import gcoord from 'gcoord';

/** Coordinate systems that callers may send. We always store WGS-84 (EPSG:4326). */
export const INPUT_CRS = ['wgs84', 'gcj02', 'bd09'] as const;
export type InputCrs = (typeof INPUT_CRS)[number];

const GCOORD_CRS = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/** Convert one [lon, lat] position to WGS-84. GCJ-02/BD-09 offsets are only defined inside China; gcoord leaves points outside China unchanged. */
export function toWgs84(position: [number, number], from: InputCrs): [number, number] {
  if (from === 'wgs84') return position;
  const [lon, lat] = gcoord.transform(position, GCOORD_CRS[from], gcoord.WGS84) as [number, number];
  return [lon, lat];
}

/** Convert every position of a GeoJSON geometry in place-free fashion (returns a new geometry). */
export function geometryToWgs84<T extends { type: string; coordinates?: unknown }>(geometry: T, from: InputCrs): T {
  if (from === 'wgs84') return geometry;
  const walk = (c: unknown): unknown => (Array.isArray(c) && typeof c[0] === 'number' ? toWgs84([c[0] as number, c[1] as number], from) : Array.isArray(c) ? c.map(walk) : c);
  return { ...geometry, coordinates: walk(geometry.coordinates) };
}
