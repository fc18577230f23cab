import type { Client } from 'pg';
import { sqlClient } from './db';

/**
 * Test data builders with complete defaults and tiny literal geometries you can check by eye.
 * A square cell: lower-left corner (x, y) in degrees, side `size`.
 */
export function squareWkt(x: number, y: number, size = 0.01): string {
  const [x2, y2] = [x + size, y + size];
  return `MULTIPOLYGON(((${x} ${y},${x2} ${y},${x2} ${y2},${x} ${y2},${x} ${y})))`;
}

/** Insert a current (published) area straight into the tables, with its subdivided pieces. */
export async function insertArea(db: Client, a: { code: string; name?: string; level?: string; parentPath?: string | null; wkt: string; validFrom?: string }): Promise<{ id: number; path: string }> {
  const { rows: v } = await db.query(`INSERT INTO area_version (level, status, published_at) VALUES ($1, 'published', now()) RETURNING id`, [a.level ?? 'grid']);
  const path = a.parentPath ? `${a.parentPath}.${a.code}` : a.code;
  const { rows } = await db.query(
    `INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, valid_from)
     VALUES ($1, $2, $3, $4, $5, $6::ltree, ST_GeomFromText($7, 4326), ST_Area(ST_GeomFromText($7, 4326)::geography), coalesce($8::timestamptz, now() - interval '1 day'))
     RETURNING id::int`,
    [v[0].id, a.code, a.name ?? `area ${a.code}`, a.level ?? 'grid', a.parentPath ? a.parentPath.split('.').pop() : null, path, a.wkt, a.validFrom ?? null],
  );
  await db.query(`INSERT INTO area_part (area_id, geom) SELECT $1, ST_Subdivide(geom, 64) FROM area WHERE id = $1`, [rows[0].id]);
  return { id: rows[0].id, path };
}

/** A district with two grids side by side: A at [x, x+0.01], B at [x+0.01, x+0.02]. */
export async function twoGridTerritory(db: Client, x = 118.78, y = 32.04) {
  const district = await insertArea(db, {
    code: 'D1',
    name: '测试区',
    level: 'district',
    wkt: squareWkt(x, y, 0.02).replace(/\(\(\(.*\)\)\)/, `(((${x} ${y},${x + 0.02} ${y},${x + 0.02} ${y + 0.01},${x} ${y + 0.01},${x} ${y})))`),
  });
  const a = await insertArea(db, { code: 'GA001', name: '甲网格', level: 'grid', parentPath: district.path, wkt: squareWkt(x, y) });
  const b = await insertArea(db, { code: 'GB002', name: '乙网格', level: 'grid', parentPath: district.path, wkt: squareWkt(x + 0.01, y) });
  return {
    district,
    a,
    b,
    pointInA: { lon: x + 0.005, lat: y + 0.005 },
    pointInB: { lon: x + 0.015, lat: y + 0.005 },
  };
}

export interface BandArea {
  code: string;
  name: string;
  level: string;
  parent: string | null;
  path: string;
  /** west and east edge in degrees; every area spans latitudes 32.00–32.05 */
  west: number;
  east: number;
}

/** Published rectangles side by side in one statement (version, areas, subdivided pieces). */
export async function insertBandTerritory(url: string, label: string, areas: BandArea[]): Promise<void> {
  const c = await sqlClient(url);
  try {
    await c.query(
      `WITH v AS (
          INSERT INTO area_version (level, status, label, published_at) VALUES ('grid', 'published', $1, now()) RETURNING id),
        a AS (
          INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, valid_from)
          SELECT v.id, x.code, x.name, x.level, x.parent, x.path::ltree, ST_Multi(ST_MakeEnvelope(x.w, 32.00, x.e, 32.05, 4326)),
                 ST_Area(ST_MakeEnvelope(x.w, 32.00, x.e, 32.05, 4326)::geography), now() - interval '1 day'
            FROM v, jsonb_to_recordset($2::jsonb) AS x(code text, name text, level text, parent text, path text, w float8, e float8)
          RETURNING id, geom)
        INSERT INTO area_part (area_id, geom) SELECT id, (ST_Dump(ST_Subdivide(geom, 64))).geom FROM a`,
      [label, JSON.stringify(areas.map((a) => ({ ...a, w: a.west, e: a.east })))],
    );
  } finally {
    await c.end();
  }
}

/** A GeoJSON Polygon: the box from (x0, y0) to (x1, y1), counter-clockwise. */
export const box = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});
/** A GeoJSON Feature and a FeatureCollection of them, as an area import takes them. */
export const feat = (props: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties: props, geometry });
export const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
