import fc from 'fast-check';
import type { Client } from 'pg';
import { startTestApp, type TestApp } from '@test/support/app';
import { sqlClient } from '@test/support/db';
import { twoGridTerritory } from '@test/support/factories';
import { residentIdCheckChar, ROLES, ROLE_PERMISSIONS } from '@gc/contracts';

/**
 * Every endpoint in the OpenAPI document, tried as a user would not: hostile and malformed
 * input (fast-check), roles that must not act, and a grid worker of grid A against grid B.
 * Expectations: never a 5xx, never a record of another jurisdiction, no change in the database.
 */
type Op = { method: string; path: string; op: any };

const SKIP = new Set(['POST /api/auth/logout']); // would end the session the test is using

function operations(doc: any): Op[] {
  const out: Op[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      if (item[method] && !SKIP.has(`${method.toUpperCase()} ${path}`)) out.push({ method: method.toUpperCase(), path, op: item[method] });
    }
  }
  return out;
}

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("' OR 1=1 --", '../../etc/passwd', '<script>alert(1)</script>', '%00', '\u0000', 'NaN', '-1', '1e309', '九龙', '🙂'.repeat(50)),
  fc.string({ minLength: 5000, maxLength: 20000 }),
);
const hostileValue = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 5 }), fc.object({ maxDepth: 2 }));

function fillPath(path: string, value: string): string {
  return path.replace(/\{[^}]+\}/g, encodeURIComponent(value));
}

async function tableCounts(db: Client): Promise<Record<string, number>> {
  const { rows } = await db.query(
    `SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE schemaname = 'public' ORDER BY relname`,
  );
  // n_live_tup lags; count exactly instead.
  const out: Record<string, number> = {};
  for (const r of rows) {
    if (['audit_log', 'refresh_token', 'spatial_ref_sys', 'app_user', 'change_counter'].includes(r.relname)) continue;
    out[r.relname] = Number((await db.query(`SELECT count(*) AS n FROM "${r.relname}"`)).rows[0].n);
  }
  return out;
}

describe('every OpenAPI operation under hostile input and the wrong role', () => {
  let t: TestApp;
  let db: Client;
  let ops: Op[];
  let territory: Awaited<ReturnType<typeof twoGridTerritory>>;
  const twoGridTerritoryPoints = async () => territory;
  let admin: { authorization: string };
  // Records in grid B (the grid worker of A must never see them) and a person in A whose ID must stay masked.
  const inB: Record<string, number> = {};
  const idA17 = '32010419850301123';
  const idA = idA17 + residentIdCheckChar(idA17);

  beforeAll(async () => {
    t = await startTestApp();
    db = await sqlClient(t.url);
    territory = await twoGridTerritory(db);
    admin = await t.admin();
    for (const [username, roles, jurisdiction] of [
      ['gw_a', ['grid_worker'], 'GA001'],
      ['auditor_x', ['auditor'], '*'],
    ] as const) {
      const r = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username, password: 'password-123456', roles, jurisdiction } });
      expect(r.statusCode).toBe(201);
    }
    ops = operations((await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json());
    const terr = await twoGridTerritoryPoints();
    const create = async (url: string, payload: object) => {
      const r = await t.app.inject({ method: 'POST', url, headers: admin, payload });
      expect(r.statusCode).toBe(201);
      return r.json().id as number;
    };
    inB.event = await create('/api/events', { title: 'GB002 井盖缺失', category: 'manhole_cover_missing', ...terr.pointInB });
    inB.place = await create('/api/places', { kind: 'shop', name: 'GB002 小卖部', ...terr.pointInB });
    inB.person = await create('/api/people', { name: '乙某', placeId: inB.place });
    await create('/api/people', { name: '甲某', idNumber: idA, ...terr.pointInA });
    // The field (issue 20): a grid worker of B on patrol in B, with a position and a visit there.
    const gwB = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username: 'gw_b', password: 'password-123456', roles: ['grid_worker'], jurisdiction: 'GB002' } });
    expect(gwB.statusCode).toBe(201);
    const hB = await t.login('gw_b', 'password-123456');
    const pos = await t.app.inject({ method: 'POST', url: '/api/field/positions', headers: hB, payload: { positions: [{ at: new Date().toISOString(), ...terr.pointInB }] } });
    expect(pos.statusCode).toBe(202);
    const patrol = await t.app.inject({ method: 'POST', url: '/api/patrols', headers: hB });
    expect(patrol.statusCode).toBe(201);
    inB.patrol = patrol.json().id;
    const visit = await t.app.inject({ method: 'POST', url: '/api/visits', headers: hB, payload: { placeId: inB.place, notes: 'GB002 走访' } });
    expect(visit.statusCode).toBe(201);
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  it('has a document worth fuzzing', () => {
    expect(ops.length).toBeGreaterThan(10);
  });

  it('answers malformed, oversized and hostile input to every operation without a 5xx', async () => {
    const failures: string[] = [];
    for (const { method, path } of ops) {
      await fc.assert(
        fc.asyncProperty(hostileString, fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), hostileValue, { maxKeys: 4 }), hostileValue, async (param, query, body) => {
          const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
          const res = await t.app.inject({
            method: method as any,
            url: fillPath(path, param) + (qs ? `?${qs}` : ''),
            headers: { ...admin, 'content-type': 'application/json' },
            payload: method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify(body),
          });
          if (res.statusCode >= 500) failures.push(`${method} ${path} → ${res.statusCode} ${res.body.slice(0, 200)}`);
          return true;
        }),
        { numRuns: 12, seed: 20261123 },
      );
    }
    expect(failures).toEqual([]);
  });

  it('lets an auditor change nothing anywhere', async () => {
    const auditor = await t.login('auditor_x', 'password-123456');
    const before = await tableCounts(db);
    const allowed: string[] = [];
    for (const { method, path } of ops.filter((o) => o.method !== 'GET' && !o.path.startsWith('/api/auth/'))) {
      const res = await t.app.inject({ method: method as any, url: fillPath(path, '1'), headers: { ...auditor, 'content-type': 'application/json' }, payload: '{}' });
      if (res.statusCode < 400) allowed.push(`${method} ${path} → ${res.statusCode}`);
      expect(res.statusCode).toBeLessThan(500);
    }
    expect(allowed).toEqual([]);
    expect(await tableCounts(db)).toEqual(before);
  });

  it('refuses every operation to every role that lacks its permission, changing nothing', async () => {
    const before = await tableCounts(db);
    const wrong: string[] = [];
    let tried = 0;
    for (const role of ROLES) {
      const username = `role_${role}`;
      const dept = role === 'department' ? { department: 'city_management' } : {};
      const r = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username, password: 'password-123456', roles: [role], jurisdiction: '*', ...dept } });
      expect(r.statusCode).toBe(201);
      const h = await t.login(username, 'password-123456');
      for (const { method, path, op } of ops) {
        const needed = op['x-permission'];
        if (!needed || (ROLE_PERMISSIONS[role] as readonly string[]).includes(needed)) continue;
        tried++;
        const withBody = method !== 'GET' && method !== 'DELETE';
        const res = await t.app.inject({ method: method as any, url: fillPath(path, '1'), headers: withBody ? { ...h, 'content-type': 'application/json' } : h, payload: withBody ? '{}' : undefined });
        if (res.statusCode !== 403) wrong.push(`${role} ${method} ${path} → ${res.statusCode}`);
      }
    }
    expect(tried).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
    const after = await tableCounts(db);
    expect(after).toEqual(before);
  });

  it('never shows a grid worker of grid A anything of grid B', async () => {
    const gw = await t.login('gw_a', 'password-123456');
    // Control: the records are there and visible to the whole-territory admin, so a clean result means something.
    for (const url of ['/api/events', '/api/places']) expect((await t.app.inject({ method: 'GET', url, headers: admin })).body).toContain('GB002');
    expect((await t.app.inject({ method: 'GET', url: `/api/events/${inB.event}`, headers: admin })).statusCode).toBe(200);
    const leaks: string[] = [];
    for (const { path } of ops.filter((o) => o.method === 'GET' && !o.path.includes('{') && !o.path.includes('openapi') && !o.path.includes('docs'))) {
      const res = await t.app.inject({ method: 'GET', url: path, headers: gw });
      expect(res.statusCode).toBeLessThan(500);
      if (res.statusCode < 300 && res.body.includes('GB002')) leaks.push(path);
      if (res.body.includes(idA)) leaks.push(`${path} shows an unmasked ID number`);
    }
    // Every route that takes an id, tried with grid B's records: 404 (or 403), never the record.
    for (const { path } of ops.filter((o) => o.method === 'GET' && /^\/api\/[a-z-]+\/\{id\}$/.test(o.path))) {
      for (const id of Object.values(inB)) {
        const res = await t.app.inject({ method: 'GET', url: path.replace('{id}', String(id)), headers: gw });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode < 300) leaks.push(`${path} with id ${id} → ${res.statusCode}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
