import { sqlClient } from './db';
import { insertBandTerritory } from './factories';

/**
 * A tiny published territory for event tests, inserted with SQL:
 * city EC (118.70–118.80 E, 32.00–32.05 N) → district ED → grids EG1 (west of 118.75) and EG2 (east).
 * EG1 has a grid worker in grid_staff. Anything else is outside the territory.
 */
export async function insertEventTerritory(url: string): Promise<void> {
  await insertBandTerritory(url, 'events test', [
    { code: 'EC', name: '测试市', level: 'city', parent: null, path: 'EC', west: 118.7, east: 118.8 },
    { code: 'ED', name: '测试区', level: 'district', parent: 'EC', path: 'EC.ED', west: 118.7, east: 118.8 },
    { code: 'EG1', name: '西网格', level: 'grid', parent: 'ED', path: 'EC.ED.EG1', west: 118.7, east: 118.75 },
    { code: 'EG2', name: '东网格', level: 'grid', parent: 'ED', path: 'EC.ED.EG2', west: 118.75, east: 118.8 },
  ]);
  await sql(url, `INSERT INTO grid_staff (area_code, role, name) VALUES ('EG1', 'grid_worker', '王网格')`);
}

export async function sql<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = await sqlClient(url);
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}
