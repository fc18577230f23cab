import type { AddressInfo } from 'node:net';
import type { LiveMessage } from '@gc/contracts';
import { startTestApp, type TestApp } from '@test/support/app';
import { insertEventTerritory, sql } from '@test/support/event-territory';
import { connectLive, type LiveClient } from '@test/support/live-client';
import { multipart } from '@test/support/multipart';
import { png } from '@test/support/png';

type H = { authorization: string };

/**
 * Issue 16 §1: every channel shows a record to exactly those who may read it through REST
 * (jurisdiction AND department AND role): the change feed, the socket's live push and its `since`
 * catch-up, attachments; areas by point and topology only inside the jurisdiction.
 */
describe('visibility of cases on every channel (real PostGIS, real socket.io)', () => {
  let t: TestApp;
  let base: string;
  let admin: H;
  let operator: H;
  let cityMgmt: H;
  let housing: H;
  let worker1: H;
  const west = { lon: 118.72, lat: 32.02 }; // grid EG1
  const east = { lon: 118.77, lat: 32.02 }; // grid EG2
  const clients: LiveClient[] = [];
  const user = async (username: string, roles: string[], jurisdiction: string, department?: string) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username, password: `${username}-password-1`, roles, jurisdiction, department } });
    expect(res.statusCode).toBe(201);
    return t.login(username, `${username}-password-1`);
  };
  const post = (url: string, headers: H, payload: object) => t.app.inject({ method: 'POST', url, headers, payload });
  const get = (url: string, headers: H) => t.app.inject({ method: 'GET', url, headers });
  const report = async (title: string, at = west, extra: object = {}) => {
    const r = await post('/api/events', operator, { title, category: 'manhole_cover_missing', ...at, ...extra });
    expect(r.statusCode).toBe(201);
    return r.json().id as number;
  };
  /** reported → accepted → registered → dispatched to `department` */
  const dispatch = async (id: number, department: string) => {
    for (const action of ['accept', 'register']) expect((await post(`/api/events/${id}/transitions`, operator, { action })).statusCode).toBe(200);
    expect((await post(`/api/events/${id}/transitions`, operator, { action: 'dispatch', department })).statusCode).toBe(200);
  };
  /** The latest seq once every committed outbox row has its seq (the sequencer numbers them right after commit). */
  const latest = async () => {
    for (;;) {
      const [r] = await sql<{ seq: string; waiting: string }>(t.url, 'SELECT (SELECT seq FROM change_counter) AS seq, (SELECT count(*) FROM change WHERE seq IS NULL) AS waiting');
      if (Number(r.waiting) === 0) return Number(r.seq);
      await new Promise((ok) => setTimeout(ok, 10));
    }
  };
  const live = async (h: H) => {
    const c = await connectLive(base, h.authorization.slice(7));
    clients.push(c);
    return c;
  };
  const since = (c: LiveClient, seq: number) =>
    new Promise<{ changes: LiveMessage[]; latest: number; error?: string }>((resolve) => c.socket.emit('since', { seq }, (r: { changes: LiveMessage[]; latest: number }) => resolve(r)));
  const feedOf = async (h: H, from: number) => {
    const r = await get(`/api/changes?since=${from}&limit=1000`, h);
    expect(r.statusCode).toBe(200);
    return r.json().changes as LiveMessage[];
  };
  const describeChange = (m: LiveMessage) => `${m.type} #${m.id}`;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    await insertEventTerritory(t.url);
    admin = await t.admin();
    operator = await user('vis_op', ['operator'], '*');
    cityMgmt = await user('vis_cm', ['department'], '*', 'city_management');
    housing = await user('vis_hs', ['department'], '*', 'housing');
    worker1 = await user('vis_gw1', ['grid_worker'], 'EG1');
  });
  afterEach(() => {
    while (clients.length) clients.pop()!.close();
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows department staff, on the feed, the live push and the catch-up, only the changes of cases sent or summoned to them', async () => {
    const cmLive = await live(cityMgmt);
    const opLive = await live(operator);
    const from = await latest();
    const ours = await report('城管的井盖');
    const theirs = await report('住建的井盖', east);
    await dispatch(theirs, 'housing');
    await dispatch(ours, 'city_management');
    const summoned = await report('召集城管的井盖', east);
    expect((await post(`/api/events/${summoned}/summons`, operator, { departments: ['city_management'], reportWithinMinutes: 30 })).statusCode).toBe(201);
    // the last change is one of city management's, so its arrival means every earlier one was pushed first
    expect((await post(`/api/events/${ours}/transitions`, cityMgmt, { action: 'start' })).statusCode).toBe(200);
    const last = await latest();
    await opLive.until((r) => r.some((m) => m.seq === last));
    await cmLive.until((r) => r.some((m) => m.seq === last));

    const channels: Record<string, LiveMessage[]> = {
      feed: await feedOf(cityMgmt, from),
      push: cmLive.received.filter((m) => m.seq > from),
      catchUp: (await since(cmLive, from)).changes,
    };
    // the REST read decides: city management may read `ours` and `summoned`, not `theirs`
    expect((await get(`/api/events/${ours}`, cityMgmt)).statusCode).toBe(200);
    expect((await get(`/api/events/${summoned}`, cityMgmt)).statusCode).toBe(200);
    expect((await get(`/api/events/${theirs}`, cityMgmt)).statusCode).toBe(404);
    const expected = [`event.transitioned #${ours}`, `summons.created #${summoned}`, `event.transitioned #${ours}`];
    for (const [name, changes] of Object.entries(channels)) expect([name, changes.map(describeChange)]).toEqual([name, expected]);
    // the operator (no department restriction) got everything, so the filter is what made the difference
    expect(opLive.received.filter((m) => m.seq > from).map(describeChange)).toEqual(expect.arrayContaining([`event.created #${theirs}`, `event.transitioned #${theirs}`]));
    // housing staff: the case dispatched to housing, nothing of city management's
    expect((await feedOf(housing, from)).map(describeChange)).toEqual([`event.transitioned #${theirs}`]);
  });

  it('tells a department that a case left it, then nothing more of that case', async () => {
    const id = await report('转派的井盖');
    await dispatch(id, 'city_management');
    const from = await latest();
    expect((await post(`/api/events/${id}/transitions`, operator, { action: 'dispatch', department: 'housing' })).statusCode).toBe(200);
    expect((await post(`/api/events/${id}/transitions`, housing, { action: 'start' })).statusCode).toBe(200);
    await latest(); // both changes numbered: the feed shows only numbered rows
    const feed = await feedOf(cityMgmt, from);
    expect(feed.map(describeChange)).toEqual([`event.transitioned #${id}`]);
    expect(feed[0].data).toMatchObject({ department: 'housing' });
    expect((await get(`/api/events/${id}`, cityMgmt)).statusCode).toBe(404);
  });

  it('serves an attachment only to whoever may see a case citing it (department too), and citing one does not grant it', async () => {
    const m = multipart('现场.png', 'image/png', png());
    const up = await t.app.inject({ method: 'POST', url: '/api/attachments', headers: { ...worker1, ...m.headers }, payload: m.payload });
    expect(up.statusCode).toBe(201);
    const url = up.json().url as string;
    // nobody else may cite it in their own report: that would make it readable to them
    const cite = await post('/api/events', operator, { title: '借用照片', category: 'manhole_cover_missing', ...west, attachments: [{ url }] });
    expect(cite.statusCode).toBe(400);
    expect(cite.json().details[0].field).toBe('body.attachments.0.url');
    expect((await get(url, operator)).statusCode).toBe(404);
    // the uploader cites it: the command centre sees the case and the photo, departments do not
    const r = await post('/api/events', worker1, { title: '井盖缺失', category: 'manhole_cover_missing', ...west, attachments: [{ url }] });
    expect(r.statusCode).toBe(201);
    const id = r.json().id as number;
    expect((await get(url, operator)).statusCode).toBe(200);
    expect((await get(url, cityMgmt)).statusCode).toBe(404);
    await dispatch(id, 'city_management');
    expect((await get(url, cityMgmt)).statusCode).toBe(200);
    expect((await get(url, housing)).statusCode).toBe(404);
    // a photo readable through a case may be cited again (feedback on the same case)
    const fb = await post(`/api/events/${id}/transitions`, cityMgmt, { action: 'feedback', attachments: [{ url }] });
    expect(fb.statusCode).toBe(200);
    // housing may not cite it on a case of its own
    const other = await report('住建的案子');
    await dispatch(other, 'housing');
    expect((await post(`/api/events/${other}/transitions`, housing, { action: 'feedback', attachments: [{ url }] })).statusCode).toBe(400);
    expect((await get(url, housing)).statusCode).toBe(404);
  });

  it('locates and checks topology only inside the jurisdiction; a 403 names no grid the caller may not see', async () => {
    expect((await get(`/api/areas/locate?lon=${west.lon}&lat=${west.lat}`, worker1)).json().grid.code).toBe('EG1');
    const outside = await get(`/api/areas/locate?lon=${east.lon}&lat=${east.lat}`, worker1);
    expect(outside.statusCode).toBe(404);
    expect(outside.body).not.toContain('EG2');
    expect((await get(`/api/areas/locate?lon=${east.lon}&lat=${east.lat}`, admin)).json().grid.code).toBe('EG2'); // control

    const filed = await post('/api/events', worker1, { title: '越界上报', category: 'manhole_cover_missing', ...east });
    expect(filed.statusCode).toBe(403);
    expect(filed.body).not.toContain('EG2');

    // a draft with two overlapping grids in EG2's district, drawn outside EG1
    const [{ id: version }] = await sql<{ id: number }>(t.url, `INSERT INTO area_version (level, status) VALUES ('grid', 'draft') RETURNING id::int`);
    await sql(
      t.url,
      `INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2)
       SELECT $1, code, code, 'grid', 'ED', ('EC.ED.' || code)::ltree, ST_Multi(ST_MakeEnvelope(x, 32.00, x + 0.02, 32.05, 4326)), 1e6
         FROM (VALUES ('DX1', 118.76), ('DX2', 118.77)) v(code, x)`,
      [version],
    );
    const full = await get(`/api/areas/versions/${version}/topology`, admin);
    expect(full.statusCode).toBe(200);
    expect(full.json().summary.overlaps).toBe(1); // control: the report names DX1 and DX2
    const scoped = await get(`/api/areas/versions/${version}/topology`, worker1);
    expect(scoped.statusCode).toBe(404);
    expect(scoped.body).not.toMatch(/DX1|DX2/);
  });
});
