import { sqlClient } from './db';

/**
 * A tiny published territory for registry tests, inserted with SQL:
 * district D1 (118.70–118.80 E, 32.00–32.05 N) tiled by grids G1 (west half) and G2 (east half).
 * Paths D1, D1.G1, D1.G2. Points west of 118.75 are in G1, east in G2; anything else is outside.
 */
export async function insertTinyTerritory(url: string): Promise<void> {
  const c = await sqlClient(url);
  try {
    await c.query(`WITH v AS (
        INSERT INTO area_version (level, status, label, published_at) VALUES ('grid', 'published', 'registry test', now()) RETURNING id),
      a AS (
        INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, valid_from)
        SELECT v.id, x.code, x.name, x.level, x.parent, x.path::ltree, ST_Multi(ST_MakeEnvelope(x.w, 32.00, x.e, 32.05, 4326)),
               ST_Area(ST_MakeEnvelope(x.w, 32.00, x.e, 32.05, 4326)::geography), now() - interval '1 day'
          FROM v, (VALUES ('D1', '测试区', 'district', NULL, 'D1', 118.70, 118.80),
                          ('G1', '西网格', 'grid', 'D1', 'D1.G1', 118.70, 118.75),
                          ('G2', '东网格', 'grid', 'D1', 'D1.G2', 118.75, 118.80)) x(code, name, level, parent, path, w, e)
        RETURNING id, geom)
      INSERT INTO area_part (area_id, geom) SELECT id, (ST_Dump(geom)).geom FROM a`);
  } finally {
    await c.end();
  }
}
