import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { Client } from 'pg';
import { startTestApp, type TestApp } from '@test/support/app';
import { sqlClient } from '@test/support/db';
import { twoGridTerritory } from '@test/support/factories';
import { connectLive, type LiveClient } from '@test/support/live-client';
import { multipart } from '@test/support/multipart';
import { png } from '@test/support/png';
import { residentIdCheckChar, ROLES, ROLE_PERMISSIONS, type LiveMessage } from '@gc/contracts';

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
// Issue #16 §4: values that reached PostgreSQL or recursive code and came back as 500s.
const nulString = fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([a, b]) => `${a}\u0000${b}`);
const extremeDate = fc.constantFrom('-271821-04-20', '275760-09-13', '-271821-04-20T00:00:00Z', '0000-01-01', '+010000-01-01', '-000001-01-01');
const deepJson = fc.integer({ min: 33, max: 6000 }).map((depth) => {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
});
const hostileValue = fc.oneof(hostileString, nulString, extremeDate, deepJson, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 5 }), fc.object({ maxDepth: 2 }));
/** A body shaped like the operation's own (its documented fields), with hostile values in them. */
const fieldsOf = (op: any): string[] => Object.keys(op.requestBody?.content?.['application/json']?.schema?.properties ?? {});
const queryNamesOf = (op: any): string[] => (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name);
// JSON.stringify recurses: a 6,000-deep value is written by hand.
const toJson = (v: unknown): string => {
  let depth = 0;
  let inner: unknown = v;
  const open: string[] = [];
  while (inner !== null && typeof inner === 'object' && depth < 10_000) {
    if (Array.isArray(inner) && inner.length === 1) {
      open.push('[');
      inner = inner[0];
    } else if (!Array.isArray(inner) && Object.keys(inner).length === 1 && 'a' in inner) {
      open.push('{"a":');
      inner = (inner as { a: unknown }).a;
    } else break;
    depth++;
  }
  return (
    open.join('') +
    JSON.stringify(inner) +
    open
      .map((o) => (o === '[' ? ']' : '}'))
      .reverse()
      .join('')
  );
};

function fillPath(path: string, value: string): string {
  return path.replace(/\{[^}]+\}/g, encodeURIComponent(value));
}

async function tableCounts(db: Client): Promise<Record<string, number>> {
  const { rows } = await db.query(`SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE schemaname = 'public' ORDER BY relname`);
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

  let base: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' }); // the socket channels below
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
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

  it('answers NUL bytes, far-off dates and deep nesting in each documented field without a 5xx', async () => {
    const failures: string[] = [];
    for (const { method, path, op } of ops) {
      const queryNames = queryNamesOf(op);
      const fields = fieldsOf(op);
      if (!queryNames.length && !fields.length) continue;
      await fc.assert(
        fc.asyncProperty(fc.subarray(queryNames), fc.subarray(fields, { minLength: Math.min(1, fields.length) }), fc.oneof(nulString, extremeDate, deepJson, hostileValue), async (qNames, bNames, value) => {
          const text = typeof value === 'string' ? value : toJson(value);
          const qs = new URLSearchParams(qNames.map((n): [string, string] => [n, text])).toString();
          const body = `{${bNames.map((n) => `${JSON.stringify(n)}:${toJson(value)}`).join(',')}}`;
          const res = await t.app.inject({
            method: method as any,
            url: fillPath(path, '1') + (qs ? `?${qs}` : ''),
            headers: { ...admin, 'content-type': 'application/json' },
            payload: method === 'GET' || method === 'DELETE' ? undefined : body,
          });
          if (res.statusCode >= 500) failures.push(`${method} ${path} ${qs.slice(0, 80)} ${body.slice(0, 80)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
          return true;
        }),
        { numRuns: 12, seed: 20261207 },
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
  /**
   * Issue 16 §1: one visibility rule on every channel. Each role (and department staff of two
   * departments, and a grid worker of one grid) gets from the change feed, the socket's live push,
   * the socket's catch-up, attachments and every GET endpoint of the document exactly the cases the
   * REST read of each case shows them, nothing more: a new endpoint or channel is tried by the
   * same loop.
   */
  it('shows each role and department, on every channel and every GET endpoint, only the cases the REST read shows them', async () => {
    const mark = { cm: 'VISCASE-CITYMGMT', hs: 'VISCASE-HOUSING', none: 'VISCASE-UNSENT' };
    type Who = { name: string; h: { authorization: string }; changes: boolean; socket?: LiveClient };
    const people: Who[] = [];
    for (const role of ROLES) {
      const variants: [string, object][] =
        role === 'department'
          ? [
              ['cm', { department: 'city_management' }],
              ['hs', { department: 'housing' }],
            ]
          : role === 'grid_worker'
            ? [['a', {}]]
            : [['all', {}]];
      for (const [v, extra] of variants) {
        const username = `ch_${role}_${v}`;
        const jurisdiction = role === 'grid_worker' ? 'GA001' : '*';
        const r = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username, password: 'password-123456', roles: [role], jurisdiction, ...extra } });
        expect(r.statusCode).toBe(201);
        people.push({ name: username, h: await t.login(username, 'password-123456'), changes: (ROLE_PERMISSIONS[role] as readonly string[]).includes('changes:read') });
      }
    }
    // sockets first: the pushes of everything below must reach exactly the right ones
    for (const w of people) {
      if (w.changes) w.socket = await connectLive(base, w.h.authorization.slice(7));
      else await expect(connectLive(base, w.h.authorization.slice(7))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    const adminSocket = await connectLive(base, admin.authorization.slice(7));
    try {
      const [{ seq: from }] = (await db.query(`SELECT seq::int FROM change_counter`)).rows;
      const act = async (id: number, payload: object) => expect((await t.app.inject({ method: 'POST', url: `/api/events/${id}/transitions`, headers: admin, payload })).statusCode).toBe(200);
      const cases: Record<string, { id: number; attachment: string }> = {};
      for (const [key, at, dept] of [
        ['cm', territory.pointInA, 'city_management'],
        ['hs', territory.pointInB, 'housing'],
        ['none', territory.pointInB, null],
      ] as const) {
        const m = multipart(`${key}.png`, 'image/png', png());
        const up = await t.app.inject({ method: 'POST', url: '/api/attachments', headers: { ...admin, ...m.headers }, payload: m.payload });
        expect(up.statusCode).toBe(201);
        const r = await t.app.inject({ method: 'POST', url: '/api/events', headers: admin, payload: { title: mark[key], category: 'manhole_cover_missing', ...at, attachments: [{ url: up.json().url }] } });
        expect(r.statusCode).toBe(201);
        cases[key] = { id: r.json().id, attachment: up.json().id };
        if (dept) for (const a of [{ action: 'accept' }, { action: 'register' }, { action: 'dispatch', department: dept }]) await act(r.json().id, a);
      }
      // every change is numbered and pushed: the admin's socket has the last one
      let last = 0;
      for (;;) {
        const [r] = (await db.query(`SELECT (SELECT seq::int FROM change_counter) AS seq, (SELECT count(*)::int FROM change WHERE seq IS NULL) AS waiting`)).rows;
        if (r.waiting === 0) {
          last = r.seq;
          break;
        }
        await new Promise((ok) => setTimeout(ok, 10));
      }
      await adminSocket.until((got) => got.some((m) => m.seq === last));

      const docOps = ops.filter((o) => o.method === 'GET' && !o.path.includes('openapi') && !o.path.includes('docs'));
      // two area versions of the test city (the district's and grid B's) for the version comparison
      const [versions] = (await db.query(`SELECT min(id)::int AS "from", max(id)::int AS "to" FROM area_version`)).rows;
      const fill = (o: Op): string | null => {
        const q = new URLSearchParams();
        for (const prm of (o.op.parameters ?? []).filter((x: any) => x.required && x.in === 'query')) {
          if (prm.name === 'since') q.set('since', String(from));
          else if (prm.name === 'limit') q.set('limit', String(Math.min(prm.schema?.maximum ?? 100, 1000)));
          else if (prm.name === 'lon' || prm.name === 'lat') q.set(prm.name, String(territory.pointInB[prm.name as 'lon' | 'lat']));
          else if (prm.name === 'near') q.set('near', `${territory.pointInB.lon},${territory.pointInB.lat}`);
          else if (prm.name === 'available')
            q.set('available', 'false'); // every worker, busy or not
          else if (prm.name === 'radius')
            q.set('radius', String(prm.schema?.maximum ?? 2000)); // as wide as allowed: every case of the test city
          else if (o.path === '/api/areas/versions/compare' && (prm.name === 'from' || prm.name === 'to')) q.set(prm.name, String(versions[prm.name]));
          else if (prm.name === 'code' || prm.name === 'parentCode')
            q.set(prm.name, territory.district.path); // the district: everything of the test city
          else if (prm.schema?.enum) q.set(prm.name, prm.schema.enum[0]);
          else return null;
        }
        return `${o.path}?${q}`;
      };
      // GET endpoints with required inputs this loop cannot make up: a new one must be added here, saying why it shows no case
      const unfilled = docOps.filter((o) => !o.path.includes('{') && fill(o) === null).map((o) => o.path);
      expect(unfilled).toEqual([]);

      const wrong: string[] = [];
      for (const w of people) {
        // the truth: the REST read of each case
        const sees: Record<string, boolean> = {};
        for (const [key, c] of Object.entries(cases)) sees[key] = (await t.app.inject({ method: 'GET', url: `/api/events/${c.id}`, headers: w.h })).statusCode === 200;
        const visibleIds = new Set(
          Object.entries(cases)
            .filter(([k]) => sees[k])
            .map(([, c]) => String(c.id)),
        );
        const ours = (ms: LiveMessage[]) => new Set(ms.filter((m) => m.seq > from && Object.values(cases).some((c) => String(c.id) === m.id)).map((m) => m.id));
        const same = (channel: string, got: Set<string | null>) => {
          const a = [...got].sort().join(',');
          const b = [...visibleIds].sort().join(',');
          if (a !== b) wrong.push(`${w.name} ${channel}: cases ${a || '-'}, REST shows ${b || '-'}`);
        };
        if (w.changes) {
          const feed = await t.app.inject({ method: 'GET', url: `/api/changes?since=${from}&limit=1000`, headers: w.h });
          same('GET /api/changes', ours(feed.json().changes));
          // the catch-up's answer comes after every push already written to this socket
          const page = await w.socket!.socket.emitWithAck('since', { seq: from, limit: 1000 });
          same('socket since', ours(page.changes));
          same('socket push', ours(w.socket!.received));
        }
        for (const [key, c] of Object.entries(cases)) {
          const a = await t.app.inject({ method: 'GET', url: `/api/attachments/${c.attachment}`, headers: w.h });
          const shown = a.statusCode === 200;
          const may = sees[key] && (ROLE_PERMISSIONS[w.name.split('_').slice(1, -1).join('_') as keyof typeof ROLE_PERMISSIONS] as readonly string[]).includes('events:read');
          if (shown !== may) wrong.push(`${w.name} GET /api/attachments of ${key} → ${a.statusCode}, REST read of its case → ${sees[key] ? 200 : 404}`);
        }
        // every GET endpoint of the document: no title of a case this caller may not read
        const hidden = Object.entries(mark)
          .filter(([k]) => !sees[k])
          .map(([, title]) => title);
        for (const o of docOps) {
          // The audit log (and its CSV export) is the record of every write, all of it the auditor's to read (audit:read): by design, not a channel of cases.
          if (o.path === '/api/audit' || o.path === '/api/audit/export') continue;
          const urls = o.path.includes('{')
            ? /\{id\}$/.test(o.path)
              ? Object.entries(cases)
                  .filter(([k]) => !sees[k])
                  .flatMap(([, c]) => [fillPath(o.path, String(c.id)), fillPath(o.path, c.attachment)])
              : []
            : [fill(o)!];
          for (const url of urls) {
            const res = await t.app.inject({ method: 'GET', url, headers: w.h });
            if (res.statusCode >= 500) wrong.push(`${w.name} GET ${url} → ${res.statusCode}`);
            else if (res.statusCode < 300 && /\{id\}$/.test(o.path) && url.startsWith('/api/events/')) wrong.push(`${w.name} GET ${url} → ${res.statusCode}`);
            else if (res.statusCode < 300 && hidden.some((title) => res.body.includes(title))) wrong.push(`${w.name} GET ${url} shows ${hidden.filter((x) => res.body.includes(x)).join(', ')}`);
          }
        }
      }
      // controls: the rule lets each department see its own case and the command centre all three
      const seen = (name: string) => people.find((w) => w.name === name)!;
      expect((await t.app.inject({ method: 'GET', url: `/api/events/${cases.cm.id}`, headers: seen('ch_department_cm').h })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: `/api/events/${cases.hs.id}`, headers: seen('ch_department_hs').h })).statusCode).toBe(200);
      expect(seen('ch_operator_all').socket!.received.filter((m) => m.seq > from && m.type === 'event.created')).toHaveLength(3);
      expect(wrong).toEqual([]);
    } finally {
      adminSocket.close();
      for (const w of people) w.socket?.close();
    }
  });
});
