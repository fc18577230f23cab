import type { Role } from '@gc/contracts';
import { startTestApp, type TestApp } from './app';
import { insertBandTerritory } from './factories';

/**
 * A tiny published territory for registry tests, inserted with SQL:
 * district D1 (118.70–118.80 E, 32.00–32.05 N) tiled by grids G1 (west half) and G2 (east half).
 * Paths D1, D1.G1, D1.G2. Points west of 118.75 are in G1, east in G2; anything else is outside.
 */
export async function insertTinyTerritory(url: string): Promise<void> {
  await insertBandTerritory(url, 'registry test', [
    { code: 'D1', name: '测试区', level: 'district', parent: null, path: 'D1', west: 118.7, east: 118.8 },
    { code: 'G1', name: '西网格', level: 'grid', parent: 'D1', path: 'D1.G1', west: 118.7, east: 118.75 },
    { code: 'G2', name: '东网格', level: 'grid', parent: 'D1', path: 'D1.G2', west: 118.75, east: 118.8 },
  ]);
}

type Header = { authorization: string };

/**
 * The app on the tiny territory, signed in as the administrator and as each of `users` (created
 * through the API with one password, in the jurisdiction given), for the registry specs.
 */
export async function startRegistryApp<U extends string>(users: Record<U, [roles: Role[], jurisdiction: string]>): Promise<{ t: TestApp; admin: Header; as: Record<U, Header> }> {
  const t = await startTestApp();
  await insertTinyTerritory(t.url);
  const admin = await t.admin();
  const as = {} as Record<U, Header>;
  for (const [username, [roles, jurisdiction]] of Object.entries(users) as [U, [Role[], string]][]) {
    const r = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username, password: 'registry-pass-1', roles, jurisdiction } });
    if (r.statusCode !== 201) throw new Error(`creating ${username} failed: ${r.statusCode} ${r.body}`);
    as[username] = await t.login(username, 'registry-pass-1');
  }
  return { t, admin, as };
}
