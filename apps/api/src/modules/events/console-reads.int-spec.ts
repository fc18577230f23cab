import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { APP_SCREENS } from '@gc/contracts';
import { startTestApp, type TestApp } from '@test/support/app';
import { insertEventTerritory } from '@test/support/event-territory';

type H = { authorization: string };

/**
 * What the role screens read beyond the case API (issue 17): department names, duplicate
 * candidates near a point, the open summonses board, names in the timeline, audit search by a
 * user's display name and its CSV export. Real PostGIS, real migrations.
 */
describe('console reads: departments, nearby, summons board, timeline names, audit export', () => {
  let t: TestApp;
  let admin: H;
  let operator: H;
  let cityMgmt: H;
  let market: H;
  let worker: H;
  let auditor: H;
  const west = { lon: 118.72, lat: 32.02 }; // grid EG1
  const east = { lon: 118.78, lat: 32.02 }; // grid EG2

  const post = (url: string, headers: H, payload: unknown) => t.app.inject({ method: 'POST', url, headers, payload: payload as object });
  const get = (url: string, headers: H) => t.app.inject({ method: 'GET', url, headers });
  const user = async (username: string, roles: string[], jurisdiction: string, extra: Record<string, string> = {}) => {
    const res = await post('/api/users', admin, { username, password: `${username}-password-1`, roles, jurisdiction, ...extra });
    expect(res.statusCode).toBe(201);
    return t.login(username, `${username}-password-1`);
  };
  const newCase = async (title: string, at: { lon: number; lat: number }, category = 'exposed_rubbish') => {
    const res = await post('/api/events', operator, { title, category, ...at });
    expect(res.statusCode).toBe(201);
    return res.json().id as number;
  };
  const act = (id: number, h: H, body: object) => post(`/api/events/${id}/transitions`, h, body);

  beforeAll(async () => {
    t = await startTestApp();
    await insertEventTerritory(t.url);
    admin = await t.admin();
    operator = await user('op_c', ['operator'], '*', { displayName: '值班员王五' });
    cityMgmt = await user('cm_c', ['department'], '*', { department: 'city_management', displayName: '城管李四' });
    market = await user('ms_c', ['department'], '*', { department: 'market_supervision' });
    worker = await user('gw_c', ['grid_worker'], 'EG1');
    auditor = await user('au_c', ['auditor'], '*');
  });
  afterAll(async () => {
    await t.close();
  });

  // the app is served only once built (npm test builds first)
  (existsSync(resolve(__dirname, '../../../../../dist/wallmap/index.html')) ? it : it.skip)('answers every screen path with the app, so a reload or a link opens the screen', async () => {
    for (const path of APP_SCREENS) {
      const res = await t.app.inject({ method: 'GET', url: path });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<div id="root">');
    }
    expect((await t.app.inject({ method: 'GET', url: '/not-a-screen' })).statusCode).toBe(404);
  });

  it('lists departments with their Chinese names', async () => {
    const res = await get('/api/departments', operator);
    expect(res.statusCode).toBe(200);
    const byCode = Object.fromEntries(res.json().departments.map((d: { code: string; name: string }) => [d.code, d.name]));
    expect(byCode.city_management).toBe('城市管理局');
    expect(byCode.market_supervision).toMatch(/市场监/);
    expect((await get('/api/departments', auditor)).statusCode).toBe(403);
  });

  it('finds open cases near a point, nearest and same category first, within the radius and the jurisdiction', async () => {
    const near = await newCase('近处垃圾', { lon: west.lon + 0.0003, lat: west.lat }); // ~28 m
    const otherCat = await newCase('近处井盖', { lon: west.lon - 0.0001, lat: west.lat }, 'manhole_cover_missing'); // ~9 m
    const far = await newCase('远处垃圾', { lon: west.lon + 0.01, lat: west.lat }); // ~940 m
    const inEast = await newCase('东边垃圾', east);
    const closed = await newCase('已作废', { lon: west.lon + 0.0002, lat: west.lat });
    expect((await act(closed, operator, { action: 'void' })).statusCode).toBe(200);

    const res = await get(`/api/events/nearby?lon=${west.lon}&lat=${west.lat}&radius=200&category=exposed_rubbish`, operator);
    expect(res.statusCode).toBe(200);
    const list = res.json().events as { id: number; distanceM: number; categoryName: string }[];
    const ids = list.map((e) => e.id);
    expect(ids).toContain(near);
    expect(ids).toContain(otherCat);
    expect(ids).not.toContain(far);
    expect(ids).not.toContain(inEast);
    expect(ids).not.toContain(closed); // voided: nothing to merge into
    expect(ids.indexOf(near)).toBeLessThan(ids.indexOf(otherCat)); // same category first
    const n = list.find((e) => e.id === near)!;
    expect(n.distanceM).toBeGreaterThan(20);
    expect(n.distanceM).toBeLessThan(40);
    expect(n.categoryName).toBe('暴露垃圾');

    // a wide radius reaches grid EG2, but a grid worker of EG1 never sees it
    const wide = (await get(`/api/events/nearby?lon=${west.lon}&lat=${west.lat}&radius=2000`, operator)).json().events.map((e: { id: number }) => e.id);
    expect(wide).toEqual(expect.arrayContaining([far]));
    const wideWorker = (await get(`/api/events/nearby?lon=${east.lon}&lat=${east.lat}&radius=2000`, worker)).json().events.map((e: { id: number }) => e.id);
    expect(wideWorker).not.toContain(inEast);
    expect((await get(`/api/events/nearby?lon=200&lat=0`, operator)).statusCode).toBe(400);
    expect((await get(`/api/events/nearby?lat=32`, operator)).statusCode).toBe(400);
  });

  it('shows open summonses with who came and who is late, live to the board, and department staff only their own', async () => {
    const id = await newCase('占道经营召集', west, 'street_vendor');
    const other = await newCase('不相关召集', west, 'street_vendor');
    const s = await post(`/api/events/${id}/summons`, operator, { departments: ['city_management', 'market_supervision'], reportWithinMinutes: 30 });
    expect(s.statusCode).toBe(201);
    const sid = s.json().summons[0].id as number;
    expect((await post(`/api/events/${other}/summons`, operator, { departments: ['market_supervision'], reportWithinMinutes: 30 })).statusCode).toBe(201);

    const board = async (h: H) => {
      const res = await get('/api/summonses', h);
      expect(res.statusCode).toBe(200);
      return res.json().summonses as { id: number; eventId: number; eventTitle: string; dueAt: string; departments: { code: string; name: string; status: string }[] }[];
    };
    let mine = (await board(operator)).find((b) => b.eventId === id)!;
    expect(mine).toMatchObject({ id: sid, eventTitle: '占道经营召集' });
    expect(mine.departments.map((d) => [d.name, d.status])).toEqual([
      ['城市管理局', 'pending'],
      [expect.stringMatching(/市场监/), 'pending'],
    ]);

    // city management reports in: its line changes, the summons stays open for the other department
    expect((await post(`/api/events/${id}/summons/${sid}/report-in`, cityMgmt, {})).statusCode).toBe(200);
    mine = (await board(operator)).find((b) => b.eventId === id)!;
    expect(mine.departments.map((d) => [d.code, d.status])).toEqual([
      ['city_management', 'reported'],
      ['market_supervision', 'pending'],
    ]);

    // department staff see only summonses of cases sent or summoned to them
    const cmBoard = (await board(cityMgmt)).map((b) => b.eventId);
    expect(cmBoard).toContain(id);
    expect(cmBoard).not.toContain(other);
    expect((await board(market)).map((b) => b.eventId)).toEqual(expect.arrayContaining([id, other]));

    // when the last department reports in, the summons leaves the open board
    expect((await post(`/api/events/${id}/summons/${sid}/report-in`, market, {})).statusCode).toBe(200);
    expect((await board(operator)).map((b) => b.eventId)).not.toContain(id);
    expect((await get('/api/summonses', auditor)).statusCode).toBe(403);
  });

  it("names users and departments in the timeline, and finds a case's audit rows by a user's display name, as JSON and CSV", async () => {
    const id = await newCase('时间线姓名', west);
    for (const action of ['accept', 'register']) expect((await act(id, operator, { action })).statusCode).toBe(200);
    expect((await act(id, operator, { action: 'dispatch', department: 'city_management' })).statusCode).toBe(200);
    expect((await act(id, cityMgmt, { action: 'start' })).statusCode).toBe(200);
    const tl = (await get(`/api/events/${id}`, operator)).json().timeline as { action: string; actor: string; actorName: string | null; department: string | null; departmentName: string | null }[];
    expect(tl.map((e) => [e.action, e.actorName])).toEqual([
      ['report', '值班员王五'],
      ['accept', '值班员王五'],
      ['register', '值班员王五'],
      ['dispatch', '值班员王五'],
      ['start', '城管李四'],
    ]);
    expect(tl.find((e) => e.action === 'dispatch')).toMatchObject({ department: 'city_management', departmentName: '城市管理局' });

    const res = await get(`/api/audit?entity=event&entityId=${id}&actor=${encodeURIComponent('值班员王五')}`, auditor);
    expect(res.statusCode).toBe(200);
    const entries = res.json().entries as { action: string; actorName: string; actorDisplayName: string }[];
    expect(entries.length).toBeGreaterThanOrEqual(4);
    expect(entries.every((e) => e.actorName === 'op_c' && e.actorDisplayName === '值班员王五')).toBe(true);

    const csv = await get(`/api/audit/export?entity=event&entityId=${id}`, auditor);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.replace('\uFEFF', '').trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^id,at,actorKind,actorName,actorDisplayName,action,entity,entityId/);
    expect(lines.length - 1).toBe(entries.length + 1); // the department's start too
    expect(csv.body).toContain('城管李四');
    expect((await get(`/api/audit/export`, operator)).statusCode).toBe(403);
  });
});
