import { sqlClient } from './db';

/**
 * A tiny published territory for event tests, inserted with SQL:
 * city EC (118.70–118.80 E, 32.00–32.05 N) → district ED → grids EG1 (west of 118.75) and EG2 (east).
 * EG1 has a grid worker in grid_staff. Anything else is outside the territory.
 */
export async function insertEventTerritory(url: string): Promise<void> {
  const c = await sqlClient(url);
  try {
    await c.query(`WITH v AS (
        INSERT INTO area_version (level, status, label, published_at) VALUES ('grid', 'published', 'events test', now()) RETURNING id),
      a AS (
        INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, valid_from)
        SELECT v.id, x.code, x.name, x.level, x.parent, x.path::ltree, ST_Multi(ST_MakeEnvelope(x.w, 32.00, x.e, 32.05, 4326)),
               ST_Area(ST_MakeEnvelope(x.w, 32.00, x.e, 32.05, 4326)::geography), now() - interval '1 day'
          FROM v, (VALUES ('EC', '测试市', 'city', NULL, 'EC', 118.70, 118.80),
                          ('ED', '测试区', 'district', 'EC', 'EC.ED', 118.70, 118.80),
                          ('EG1', '西网格', 'grid', 'ED', 'EC.ED.EG1', 118.70, 118.75),
                          ('EG2', '东网格', 'grid', 'ED', 'EC.ED.EG2', 118.75, 118.80)) x(code, name, level, parent, path, w, e)
        RETURNING id, geom)
      INSERT INTO area_part (area_id, geom) SELECT id, (ST_Dump(ST_Subdivide(geom, 64))).geom FROM a`);
    await c.query(`INSERT INTO grid_staff (area_code, role, name) VALUES ('EG1', 'grid_worker', '王网格')`);
  } finally {
    await c.end();
  }
}

export async function sql<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = await sqlClient(url);
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}
