import { startTestApp, type TestApp } from '@test/support/app';
import { insertEventTerritory, sql } from '@test/support/event-territory';
import { EscalationService } from './escalation.service';
import { EventIdempotencyService } from './event-idempotency.service';
import { EventsRepository, eventSummarySql } from './events.repository';

type H = { authorization: string };

describe('events: intake, workflow, summons, time limits (real PostGIS)', () => {
  let t: TestApp;
  let admin: H;
  let operator: H;
  let worker: H;
  let cityMgmt: H;
  let market: H;
  let supervisor: H;
  let analyst: H;
  const west = { lon: 118.72, lat: 32.02 }; // grid EG1
  const east = { lon: 118.78, lat: 32.02 }; // grid EG2

  const post = (url: string, headers: H, payload: unknown, extra: Record<string, string> = {}) => t.app.inject({ method: 'POST', url, headers: { ...headers, ...extra }, payload: payload as object });
  const get = (url: string, headers: H) => t.app.inject({ method: 'GET', url, headers });
  const act = (id: number, headers: H, body: Record<string, unknown>) => post(`/api/events/${id}/transitions`, headers, body);
  const count = async () => Number((await sql<{ n: string }>(t.url, 'SELECT count(*) AS n FROM event'))[0].n);
  const user = async (username: string, roles: string[], jurisdiction: string, department?: string) => {
    const res = await post('/api/users', admin, { username, password: `${username}-password-1`, roles, jurisdiction, department });
    expect(res.statusCode).toBe(201);
    return t.login(username, `${username}-password-1`);
  };

  beforeAll(async () => {
    t = await startTestApp();
    await insertEventTerritory(t.url);
    admin = await t.admin();
    operator = await user('op1', ['operator'], '*');
    worker = await user('gw1', ['grid_worker'], 'EG1');
    cityMgmt = await user('cm1', ['department'], '*', 'city_management');
    market = await user('ms1', ['department'], '*', 'market_supervision');
    supervisor = await user('sup1', ['supervisor'], '*');
    analyst = await user('an1', ['analyst'], '*');
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a located event in its grid with a working-time deadline, a log entry, audit and a full outbox summary', async () => {
    const res = await post('/api/events', operator, { title: '路边暴露垃圾', category: 'exposed_rubbish', ...west, reporter: { name: '张三', phone: '13812345678' } });
    expect(res.statusCode).toBe(201);
    const e = res.json();
    expect(e).toMatchObject({ state: 'reported', category: 'exposed_rubbish', categoryName: '暴露垃圾', grid: { code: 'EG1', name: '西网格' }, source: 'operator', escalationLevel: 0 });
    expect(e.reporter).toEqual({ name: '张*', phone: '138****5678' });
    expect(new Date(e.dueAt).getTime()).toBeGreaterThan(Date.now());
    expect(e.timeline).toHaveLength(1);
    const [change] = await sql<{ type: string; payload: Record<string, unknown>; area_path: string }>(t.url, `SELECT type, payload, area_path::text FROM change WHERE entity_id = $1 ORDER BY id`, [String(e.id)]);
    expect(change).toMatchObject({ type: 'event.created', area_path: 'EC.ED.EG1' });
    expect(Object.keys(change.payload).sort()).toEqual(
      ['id', 'category', 'categoryName', 'urgency', 'state', 'source', 'title', 'lon', 'lat', 'grid', 'department', 'createdAt', 'dueAt', 'overdue', 'warning', 'escalationLevel'].sort(),
    );
    const audit = await sql(t.url, `SELECT action FROM audit_log WHERE entity = 'event' AND entity_id = $1`, [String(e.id)]);
    expect(audit).toEqual([{ action: 'create' }]);
    const got = await get(`/api/events/${e.id}`, operator);
    expect(got.json()).toMatchObject({ id: e.id, state: 'reported', grid: { code: 'EG1' }, dueAt: e.dueAt, legalActions: expect.arrayContaining(['accept', 'reject']) });
    expect(JSON.stringify(got.json())).not.toContain('12345678');
  });

  it('builds the same summary in SQL (eventSummarySql, the outbox payload of intake) as the API does (toSummary)', async () => {
    const fresh = (await post('/api/events', operator, { title: '新', category: 'exposed_rubbish', ...west })).json();
    const unplaced = (await post('/api/events', operator, { title: '无位置', category: 'noise' })).json();
    const yellow = (await post('/api/events', operator, { title: '将逾期', category: 'noise', ...east })).json();
    const red = (await post('/api/events', operator, { title: '已逾期', category: 'street_light', ...east, urgency: 'urgent' })).json();
    const sent = (await post('/api/events', operator, { title: '已派遣', category: 'exposed_rubbish', ...west })).json();
    for (const action of ['accept', 'register']) expect((await act(sent.id, operator, { action })).statusCode).toBe(200);
    expect((await act(sent.id, operator, { action: 'dispatch', department: 'city_management' })).statusCode).toBe(200);
    await sql(t.url, `UPDATE event SET warn_at = now() - interval '1 minute', due_at = now() + interval '1 hour' WHERE id = $1`, [yellow.id]);
    await sql(t.url, `UPDATE event SET warn_at = now() - interval '2 hours', due_at = now() - interval '1 hour', escalation_level = 2 WHERE id = $1`, [red.id]);
    const closed = (await post('/api/events', operator, { title: '已作废', category: 'noise', ...west })).json();
    expect((await act(closed.id, operator, { action: 'reject', note: '重复' })).statusCode).toBe(200);
    await sql(t.url, `UPDATE event SET due_at = now() - interval '1 hour' WHERE id = $1`, [closed.id]);
    const ids = [fresh.id, unplaced.id, yellow.id, red.id, sent.id, closed.id];
    const fromSql = await sql<{ id: string; s: Record<string, unknown> }>(
      t.url,
      `SELECT e.id, ${eventSummarySql('e', { category: 'c.name', grid: 'g.name', department: 'd.code' })} AS s FROM event e JOIN event_category c ON c.code = e.category_code
         LEFT JOIN area g ON g.id = e.grid_id LEFT JOIN department d ON d.id = e.department_id WHERE e.id = ANY($1)`,
      [ids],
    );
    const warnings = new Set<unknown>();
    for (const row of fromSql) {
      const api = (await get(`/api/events/${row.id}`, operator)).json();
      const summary = Object.fromEntries(Object.keys(row.s).map((k) => [k, api[k]]));
      expect(row.s).toEqual(summary);
      expect(Object.keys(row.s).sort()).toEqual(Object.keys(fromSql[0].s).sort());
      warnings.add(row.s.warning);
    }
    expect(fromSql).toHaveLength(ids.length);
    expect([...warnings].sort()).toEqual(['none', 'red', 'yellow']);
  });

  it('holds events with no usable location as unplaced, and an operator places them', async () => {
    const none = (await post('/api/events', operator, { title: '无位置', category: 'noise' })).json();
    const outside = (await post('/api/events', operator, { title: '范围外', category: 'noise', lon: 100, lat: 30 })).json();
    expect(none).toMatchObject({ state: 'unplaced', grid: null, lon: null });
    expect(outside).toMatchObject({ state: 'unplaced', grid: null });
    const bad = await act(none.id, operator, { action: 'place', lon: 10, lat: 10 });
    expect(bad.statusCode).toBe(404);
    expect(bad.json().code).toBe('OUTSIDE_TERRITORY');
    const placed = await act(none.id, operator, { action: 'place', ...east });
    expect(placed.statusCode).toBe(200);
    expect(placed.json()).toMatchObject({ state: 'reported', grid: { code: 'EG2' } });
    expect(placed.json().dueAt).not.toBeNull();
  });

  it('keeps a case with no location in the jurisdiction of whoever reported it until it is placed', async () => {
    // A city's operator, the operators of two grids, and the city's hotline (an API key of the city).
    const city = await user('opcity', ['operator'], 'EC');
    const westOp = await user('opwest', ['operator'], 'EG1');
    const eastOp = await user('opeast', ['operator'], 'EG2');
    const key = await post('/api/api-keys', admin, { name: '12345', roles: ['api_client'], jurisdiction: 'EC' });
    expect(key.statusCode).toBe(201);
    const hotline = { 'x-api-key': key.json().key as string };
    const sees = async (who: Record<string, string>, id: number) => (await t.app.inject({ method: 'GET', url: `/api/events/${id}`, headers: who })).statusCode === 200;
    const listed = async (who: Record<string, string>, id: number) =>
      ((await t.app.inject({ method: 'GET', url: '/api/events?state=unplaced&limit=500', headers: who })).json().events as { id: number }[]).some((e) => e.id === id);
    const pathOf = async (id: number) => (await sql<{ p: string | null }>(t.url, 'SELECT area_path::text AS p FROM event WHERE id = $1', [id]))[0].p;

    // the hotline's report without coordinates: the city's (its operators place it), no grid's
    const call = await t.app.inject({ method: 'POST', url: '/api/events', headers: hotline, payload: { title: '来电：路灯不亮', category: 'noise' } });
    expect(call.statusCode).toBe(201);
    const fromHotline = call.json();
    expect(fromHotline).toMatchObject({ state: 'unplaced', grid: null });
    expect(await pathOf(fromHotline.id)).toBe('EC');
    expect([await sees(city, fromHotline.id), await listed(city, fromHotline.id)]).toEqual([true, true]);
    expect([await sees(westOp, fromHotline.id), await listed(westOp, fromHotline.id)]).toEqual([false, false]);
    // its creation went out to the city's room, not only to whole-territory sockets
    const [created] = await sql<{ p: string }>(t.url, `SELECT area_path::text AS p FROM change WHERE entity_id = $1 AND type = 'event.created'`, [String(fromHotline.id)]);
    expect(created.p).toBe('EC');

    // a grid operator's own report without a location stays in that grid's jurisdiction: the city sees it, the other grid does not
    const own = (await post('/api/events', westOp, { title: '西网格来访', category: 'noise' })).json();
    expect(own).toMatchObject({ state: 'unplaced', grid: null });
    expect(await pathOf(own.id)).toBe('EC.ED.EG1');
    expect([await sees(westOp, own.id), await sees(city, own.id), await sees(eastOp, own.id)]).toEqual([true, true, false]);
    // the grid operator cannot place it outside its jurisdiction; the case is left as it was
    const away = await act(own.id, westOp, { action: 'place', ...east });
    expect(away.json().code).toBe('FORBIDDEN');
    expect(await pathOf(own.id)).toBe('EC.ED.EG1');

    // placed by the city's operator in the east grid: now the east grid's, no longer the city's alone
    const placed = await act(fromHotline.id, city, { action: 'place', ...east });
    expect(placed.statusCode).toBe(200);
    expect(placed.json()).toMatchObject({ state: 'reported', grid: { code: 'EG2' } });
    expect(await pathOf(fromHotline.id)).toBe('EC.ED.EG2');
    expect([await sees(eastOp, fromHotline.id), await sees(westOp, fromHotline.id)]).toEqual([true, false]);

    // history imported without a location: the importer's jurisdiction too
    const imp = await post('/api/events/import', westOp, [{ title: '历史无位置', category: 'noise', reportedAt: '2024-06-01T02:00:00Z' }]);
    expect(imp.statusCode).toBe(200);
    expect(await pathOf(imp.json().ids[0])).toBe('EC.ED.EG1');
    // a whole-territory reporter's unplaced case stays the whole territory's (no area narrower than its reporter's)
    const wide = (await post('/api/events', operator, { title: '全域来电', category: 'noise' })).json();
    expect(await pathOf(wide.id)).toBeNull();
    expect([await sees(operator, wide.id), await sees(city, wide.id)]).toEqual([true, false]);
  });

  it('converts GCJ-02 input to WGS-84 before attribution', async () => {
    const res = await post('/api/events', operator, { title: 'gcj', category: 'noise', lon: 118.725, lat: 32.02, crs: 'gcj02' });
    expect(res.statusCode).toBe(201);
    expect(res.json().lon).toBeLessThan(118.725);
    expect(res.json().grid.code).toBe('EG1');
  });

  it('honours Idempotency-Key: one event for retries (also concurrent), 409 for the same key with another body', async () => {
    const before = await count();
    const body = { title: '重复提交', category: 'road_damage', ...west };
    const k = { 'idempotency-key': 'field-report-0001' };
    const results = await Promise.all([1, 2, 3, 4].map(() => post('/api/events', worker, body, k)));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    expect(await count()).toBe(before + 1);
    const other = await post('/api/events', worker, { ...body, title: '另一个' }, k);
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('IDEMPOTENCY_CONFLICT');
    const badKey = await post('/api/events', worker, body, { 'idempotency-key': 'bad key!' });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().details[0].field).toBe('headers.idempotency-key');
    expect(await count()).toBe(before + 1);
  });

  it('keeps an Idempotency-Key answer for the retention period, then forgets it (a retry after that is a new report)', async () => {
    const body = { title: '保留期', category: 'road_damage', ...west };
    const oldKey = { 'idempotency-key': 'retention-old-0001' };
    const newKey = { 'idempotency-key': 'retention-new-0001' };
    const first = (await post('/api/events', worker, body, oldKey)).json().id;
    const second = (await post('/api/events', worker, { ...body, title: '保留期内' }, newKey)).json().id;
    // the first key was claimed 31 days ago, the second one day ago
    await sql(t.url, `UPDATE idempotency_key SET created_at = now() - interval '31 days' WHERE key = 'retention-old-0001'`);
    await sql(t.url, `UPDATE idempotency_key SET created_at = now() - interval '1 day' WHERE key = 'retention-new-0001'`);
    const purged = await t.app.get(EventIdempotencyService).purgeExpired(30);
    expect(purged).toBeGreaterThanOrEqual(1);
    const keys = await sql<{ key: string }>(t.url, `SELECT key FROM idempotency_key WHERE key LIKE 'retention-%' ORDER BY key`);
    expect(keys.map((k) => k.key)).toEqual(['retention-new-0001']);
    // within the period: the stored answer; after it: a new report
    expect((await post('/api/events', worker, { ...body, title: '保留期内' }, newKey)).json().id).toBe(second);
    const after = await post('/api/events', worker, body, oldKey);
    expect(after.statusCode).toBe(201);
    expect(after.json().id).not.toBe(first);
  });

  it('writes a burst of concurrent reports in shared statements (group commit), each judged as if it came alone', async () => {
    const repo = t.app.get(EventsRepository);
    const sizes: number[] = [];
    const spy = jest.spyOn(repo, 'intake').mockImplementation(function (this: EventsRepository, ...args: Parameters<EventsRepository['intake']>) {
      sizes.push(args[1].length);
      return EventsRepository.prototype.intake.apply(this, args);
    });
    try {
      const before = await count();
      const at = (dx: number, dy: number) => ({ lon: west.lon + dx, lat: west.lat + dy });
      const keyed = { title: '同一报告', category: 'road_damage', ...at(0.004, 0.004) };
      const sends: [H, Record<string, unknown>, Record<string, string>?][] = [
        [operator, { title: '一', category: 'exposed_rubbish', ...at(0.001, 0) }],
        [operator, { title: '二', category: 'noise', ...at(0.002, 0) }],
        [operator, { title: '三', category: 'street_light', ...east }],
        [operator, { title: '无位置', category: 'noise' }],
        [worker, { title: '越界', category: 'noise', ...east }],
        [operator, { title: '工单A', category: 'noise', source: 'hotline', externalId: 'T-burst-1', ...at(0.003, 0.001) }],
        [operator, { title: '工单A重发', category: 'noise', source: 'hotline', externalId: 'T-burst-1', ...at(0.003, 0.009) }],
        [operator, { title: '近处1', category: 'fire_hazard', ...at(0.005, 0.002) }],
        [operator, { title: '近处2', category: 'fire_hazard', ...at(0.00502, 0.002) }],
        [worker, keyed, { 'idempotency-key': 'burst-key-1' }],
        [worker, keyed, { 'idempotency-key': 'burst-key-1' }],
        [operator, { title: '四', category: 'exposed_rubbish', ...at(0.006, 0.003) }],
      ];
      const res = await Promise.all(sends.map(([h, body, extra]) => post('/api/events', h, body, extra)));
      // concurrent requests have no order: of the two sends of one ticket one is created, the other
      // is a 409; of two close reports of one kind the later is flagged against the earlier
      const status = res.map((r) => r.statusCode);
      expect([...status.slice(0, 5), ...status.slice(7)]).toEqual([201, 201, 201, 201, 403, 201, 201, 201, 201, 201]);
      expect(status.slice(5, 7).sort()).toEqual([201, 409]);
      const [one, two, three, noLoc, , t1, t2, near1, near2, k1, k2, four] = res.map((r) => r.json());
      expect([one, two, four].map((e) => e.grid.code)).toEqual(['EG1', 'EG1', 'EG1']);
      expect(three.grid.code).toBe('EG2');
      expect(noLoc).toMatchObject({ state: 'unplaced', grid: null });
      const [ticket, dupTicket] = status[5] === 201 ? [t1, t2] : [t2, t1];
      expect(ticket.externalId).toBe('T-burst-1');
      expect(dupTicket.code).toBe('DUPLICATE');
      const [early, late] = near1.id < near2.id ? [near1, near2] : [near2, near1];
      expect(early.suspectedDuplicateOf).toBeNull();
      expect(late.suspectedDuplicateOf).toBe(early.id);
      expect(k2.id).toBe(k1.id);
      expect(new Set(res.filter((r) => r.statusCode === 201).map((r) => r.json().id)).size).toBe(9);
      expect(await count()).toBe(before + 9);
      // every created event has exactly its log entry, audit row and outbox row
      const ids = [one, two, three, noLoc, ticket, near1, near2, k1, four].map((e) => String(e.id));
      const [rows] = await sql<{ tr: number; au: number; ch: number }>(
        t.url,
        `SELECT (SELECT count(*) FROM event_transition WHERE event_id::text = ANY($1))::int AS tr,
                (SELECT count(*) FROM audit_log WHERE entity = 'event' AND entity_id = ANY($1))::int AS au,
                (SELECT count(*) FROM change WHERE type = 'event.created' AND entity_id = ANY($1))::int AS ch`,
        [ids],
      );
      expect(rows).toEqual({ tr: 9, au: 9, ch: 9 });
      // the burst did share statements: at least one batch held several reports
      expect(Math.max(...sizes)).toBeGreaterThan(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('takes hotline batches item by item: a per-index report, bad items named, re-sends create nothing twice', async () => {
    const before = await count();
    const items = [
      { title: '噪声扰民', category: 'noise', ...west, externalId: 'HL-20261123-0001', source: 'hotline' },
      { title: '地址不详', category: 'noise', source: 'hotline' },
      { title: '坐标错误', category: 'noise', lon: 118.7, lat: 95, source: 'hotline' },
      { title: '未知类别', category: 'no_such_category', ...east, source: 'hotline' },
      { title: '井盖缺失', category: 'manhole_cover_missing', ...east, externalId: 'HL-20261123-0002', source: 'hotline' },
    ];
    const first = await post('/api/events/batch', operator, { events: items }, { 'idempotency-key': 'hotline-batch-0001' });
    expect(first.statusCode).toBe(200);
    const r = first.json();
    expect(r).toMatchObject({ received: 5, created: 3, duplicates: 0, failed: 2 });
    expect(r.results.map((x: { index: number; status: number }) => [x.index, x.status])).toEqual([
      [0, 201],
      [1, 201],
      [2, 400],
      [3, 400],
      [4, 201],
    ]);
    expect(r.results[0]).toMatchObject({ state: 'reported', grid: 'EG1' });
    expect(r.results[1]).toMatchObject({ state: 'unplaced', grid: null });
    expect(r.results[2]).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'body.events.2.lat' })] });
    expect(r.results[3]).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('no_such_category') });
    expect(await count()).toBe(before + 3);
    // the same batch again with its key: the same events, nothing new
    const again = (await post('/api/events/batch', operator, { events: items }, { 'idempotency-key': 'hotline-batch-0001' })).json();
    expect(again.results.filter((x: { status: number }) => x.status === 201).map((x: { id: number }) => x.id)).toEqual([r.results[0].id, r.results[1].id, r.results[4].id]);
    expect(await count()).toBe(before + 3);
    // re-sent without the key: the ticket numbers still stop duplicates; the item without one is new
    const resent = (await post('/api/events/batch', operator, { events: [items[0], items[1], items[4]] })).json();
    expect(resent).toMatchObject({ received: 3, created: 1, duplicates: 2, failed: 0 });
    expect(resent.results[0]).toMatchObject({ status: 409, code: 'DUPLICATE', id: r.results[0].id });
    expect(resent.results[2]).toMatchObject({ status: 409, code: 'DUPLICATE', id: r.results[4].id });
    expect(await count()).toBe(before + 4);
    // the envelope itself
    for (const [body, field] of [
      [{ events: [] }, 'body.events'],
      [{ events: Array.from({ length: 501 }, () => items[1]) }, 'body.events'],
      [{ items }, 'body'],
      [[items[0]], 'body'],
    ] as const) {
      const res = await post('/api/events/batch', operator, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await post('/api/events/batch', analyst, { events: [items[1]] })).statusCode).toBe(403);
    expect(await count()).toBe(before + 4);
  });

  it('rejects bad input naming the field and writes nothing', async () => {
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [{ title: 'x', category: 'noise', lon: 118.72 }, 'body.lat'],
      [{ title: 'x', category: 'noise', lon: 200, lat: 32 }, 'body.lon'],
      [{ title: 'x', category: 'no_such_category' }, 'body.category'],
      [{ title: '', category: 'noise' }, 'body.title'],
      [{ title: 'x', category: 'noise', crs: 'epsg3857', lon: 1, lat: 1 }, 'body.crs'],
    ];
    for (const [payload, field] of cases) {
      const res = await post('/api/events', operator, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const extra = await post('/api/events', operator, { title: 'x', category: 'noise', secret: 1 });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().message).toContain('secret');
    const badAction = await act(1, operator, { action: 'fly' });
    expect(badAction.statusCode).toBe(400);
    expect(badAction.json().details[0].field).toBe('body.action');
    const badList = await get('/api/events?state=flying', operator);
    expect(badList.statusCode).toBe(400);
    expect(await count()).toBe(before);
  });

  it('enforces permissions and jurisdiction: 401, 403, and 404 outside the caller’s area', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/events', payload: { title: 'x', category: 'noise' } })).statusCode).toBe(401);
    expect((await post('/api/events', analyst, { title: 'x', category: 'noise' })).statusCode).toBe(403);
    const outside = await post('/api/events', worker, { title: '越界', category: 'noise', ...east });
    expect(outside.statusCode).toBe(403);
    const inEast = (await post('/api/events', operator, { title: '东边', category: 'noise', ...east })).json();
    expect((await get(`/api/events/${inEast.id}`, worker)).statusCode).toBe(404);
    expect((await act(inEast.id, worker, { action: 'self_handle' })).statusCode).toBe(404);
    const list = (await get('/api/events?limit=1000', worker)).json().events;
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((e: { grid: { code: string } | null; state: string }) => e.grid?.code === 'EG1' || e.state === 'unplaced')).toBe(true);
    // the unplaced ones among them were reported within EG1 (they belong to their reporter's jurisdiction until placed)
    const unplacedIds = list.filter((e: { state: string }) => e.state === 'unplaced').map((e: { id: number }) => e.id);
    const strayUnplaced = await sql(t.url, `SELECT id FROM event WHERE id = ANY($1::bigint[]) AND NOT (area_path <@ 'EC.ED.EG1')`, [unplacedIds]);
    expect(strayUnplaced).toEqual([]);
    // department staff see only cases sent (or summoned) to their department
    expect((await get(`/api/events/${inEast.id}`, cityMgmt)).statusCode).toBe(404);
  });

  it('runs the whole loop with the right people, rework after a failed verification, and 409 with the legal actions', async () => {
    const e = (await post('/api/events', operator, { title: '垃圾堆', category: 'exposed_rubbish', ...west })).json();
    const illegal = await act(e.id, operator, { action: 'close' });
    expect(illegal.statusCode).toBe(409);
    expect(illegal.json()).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { state: 'reported', legalActions: expect.arrayContaining(['accept', 'reject', 'void']) } });
    expect(illegal.json().details.legalActions).not.toContain('self_handle');
    expect((await act(e.id, operator, { action: 'accept' })).json().state).toBe('accepted');
    expect((await act(e.id, operator, { action: 'register' })).json().state).toBe('registered');
    const dispatched = (await act(e.id, operator, { action: 'dispatch' })).json();
    expect(dispatched).toMatchObject({ state: 'dispatched', department: 'city_management', assignee: { name: '王网格' }, stage: 'handle' });
    expect((await get(`/api/events/${e.id}`, market)).statusCode).toBe(404);
    const wrongRole = await act(e.id, cityMgmt, { action: 'close' });
    expect(wrongRole.statusCode).toBe(409);
    expect(wrongRole.json().details.legalActions).toEqual(['start', 'feedback', 'return', 'request_extension']);
    expect((await act(e.id, cityMgmt, { action: 'start', note: '已到场' })).json().state).toBe('in_progress');
    expect((await act(e.id, cityMgmt, { action: 'feedback', attachments: [{ url: 'https://example.org/after.jpg' }] })).json().state).toBe('handled');
    expect((await act(e.id, cityMgmt, { action: 'verify' })).statusCode).toBe(403);
    const rework = (await act(e.id, supervisor, { action: 'verify', passed: false, note: '未清理干净' })).json();
    expect(rework).toMatchObject({ state: 'rework', reworkCount: 1 });
    await act(e.id, cityMgmt, { action: 'feedback' });
    expect((await act(e.id, supervisor, { action: 'verify', passed: true })).json().state).toBe('verified');
    expect((await act(e.id, supervisor, { action: 'close' })).json().state).toBe('closed');
    const noScore = await act(e.id, supervisor, { action: 'evaluate' });
    expect(noScore.statusCode).toBe(400);
    expect(noScore.json().details[0].field).toBe('body.satisfaction');
    const done = (await act(e.id, supervisor, { action: 'evaluate', satisfaction: 5 })).json();
    expect(done).toMatchObject({ state: 'evaluated', satisfaction: 5, handledOnTime: true, dueAt: null, legalActions: [] });
    expect(done.timeline.map((x: { action: string }) => x.action)).toEqual(['report', 'accept', 'register', 'dispatch', 'start', 'feedback', 'verify', 'feedback', 'verify', 'close', 'evaluate']);
    expect(done.timeline[5]).toMatchObject({ from: 'in_progress', to: 'handled', actor: 'cm1', attachments: [{ url: 'https://example.org/after.jpg' }] });
    const types = await sql<{ type: string }>(t.url, `SELECT type FROM change WHERE entity_id = $1 ORDER BY id`, [String(e.id)]);
    expect(types.filter((x) => x.type === 'event.transitioned')).toHaveLength(10);
    await expect(sql(t.url, `UPDATE event_transition SET note = 'x' WHERE event_id = $1`, [e.id])).rejects.toThrow(/append-only/);
  });

  it('lets a grid worker self-handle on the spot, and handles extension, defer and void', async () => {
    const mine = (await post('/api/events', worker, { title: '井盖松动', category: 'manhole_cover_missing', ...west })).json();
    expect(mine.source).toBe('patrol');
    expect((await act(mine.id, worker, { action: 'self_handle', note: '已现场处理' })).json().state).toBe('self_handled');
    expect((await act(mine.id, operator, { action: 'self_handle' })).statusCode).toBe(409);

    const e = (await post('/api/events', operator, { title: '违建', category: 'illegal_construction', ...west })).json();
    for (const action of ['accept', 'register']) await act(e.id, operator, { action });
    const d = (await act(e.id, operator, { action: 'dispatch', department: 'housing' })).json();
    expect(d.department).toBe('housing');
    expect(d.stageLimitMinutes).toBe(20 * 420);
    const noMinutes = await act(e.id, operator, { action: 'request_extension' });
    expect(noMinutes.statusCode).toBe(400);
    expect((await act(e.id, operator, { action: 'request_extension', minutes: 420 })).json().state).toBe('extension_requested');
    const approved = (await act(e.id, operator, { action: 'approve_extension' })).json();
    expect(approved.state).toBe('dispatched');
    expect(new Date(approved.dueAt).getTime()).toBeGreaterThan(new Date(d.dueAt).getTime());
    expect((await act(e.id, operator, { action: 'defer' })).json()).toMatchObject({ state: 'deferred', dueAt: null });
    expect((await act(e.id, operator, { action: 'resume' })).json().state).toBe('in_progress');
    expect((await act(e.id, operator, { action: 'void', note: '重复' })).json().state).toBe('voided');
    expect((await act(e.id, operator, { action: 'accept' })).json().details.legalActions).toEqual([]);
  });

  it('summons departments, records who reported in and who is missing', async () => {
    const e = (await post('/api/events', operator, { title: '多部门', category: 'fire_hazard', ...west })).json();
    const bad = await post(`/api/events/${e.id}/summons`, operator, { departments: ['nope_dept'], reportWithinMinutes: 30 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('body.departments');
    expect((await post(`/api/events/${e.id}/summons`, cityMgmt, { departments: ['emergency'], reportWithinMinutes: 30 })).statusCode).toBe(403);
    const s = await post(`/api/events/${e.id}/summons`, operator, { departments: ['city_management', 'market_supervision', 'emergency'], reportWithinMinutes: 30 });
    expect(s.statusCode).toBe(201);
    const sid = s.json().summons[0].id;
    // summoned department staff can now see the case
    expect((await get(`/api/events/${e.id}`, market)).statusCode).toBe(200);
    const r = await post(`/api/events/${e.id}/summons/${sid}/report-in`, market, { note: '已到场' }, { 'idempotency-key': 'report-in-1' });
    expect(r.statusCode).toBe(200);
    // a retried report-in (flaky network) returns the first answer instead of a conflict
    const retry = await post(`/api/events/${e.id}/summons/${sid}/report-in`, market, { note: '已到场' }, { 'idempotency-key': 'report-in-1' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(r.json());
    expect((await post(`/api/events/${e.id}/summons/${sid}/report-in`, market, {})).statusCode).toBe(409);
    expect((await post(`/api/events/${e.id}/summons/${sid}/report-in`, operator, {})).statusCode).toBe(403);
    // the deadline passes for the others
    await sql(t.url, `UPDATE summons SET due_at = now() - interval '1 minute' WHERE id = $1`, [sid]);
    const view = (await get(`/api/events/${e.id}`, operator)).json().summons[0];
    expect(view.came).toEqual(['market_supervision']);
    expect(view.missing.sort()).toEqual(['city_management', 'emergency']);
    const types = await sql<{ type: string }>(t.url, `SELECT type FROM change WHERE entity_id = $1 ORDER BY id`, [String(e.id)]);
    expect(types.map((x) => x.type)).toEqual(['event.created', 'summons.created', 'summons.answered']);
  });

  it('escalates overdue cases up the hierarchy, lists them as overdue and counts them as late in the on-time rate', async () => {
    const e = (await post('/api/events', operator, { title: '逾期', category: 'tree_fall', ...west })).json();
    const before = (await get('/api/events/on-time', supervisor)).json();
    await sql(t.url, `UPDATE event SET due_at = now() - interval '1 second', warn_at = now() - interval '1 hour' WHERE id = $1`, [e.id]);
    const sweeper = t.app.get(EscalationService);
    expect(await sweeper.sweep()).toContain(e.id);
    expect(await sweeper.sweep()).not.toContain(e.id); // not escalated again until another full limit passes
    const after = (await get(`/api/events/${e.id}`, operator)).json();
    expect(after).toMatchObject({ escalationLevel: 1, overdue: true, warning: 'red' });
    expect(after.timeline.at(-1)).toMatchObject({ action: 'escalate', actor: 'system' });
    const [change] = await sql<{ type: string }>(t.url, `SELECT type FROM change WHERE entity_id = $1 ORDER BY id DESC LIMIT 1`, [String(e.id)]);
    expect(change.type).toBe('event.escalated');
    const overdue = (await get('/api/events?overdue=true', operator)).json().events.map((x: { id: number }) => x.id);
    expect(overdue).toContain(e.id);
    const rate = (await get('/api/events/on-time', supervisor)).json();
    expect(rate.openOverdue).toBe(before.openOverdue + 1);
    expect(rate.rate).toBeLessThan(1);
    const manual = await act(e.id, operator, { action: 'escalate', note: '督办' });
    expect(manual.json().escalationLevel).toBe(2);
  });

  it('flags a likely duplicate and merges it', async () => {
    const first = (await post('/api/events', operator, { title: '路灯坏', category: 'street_light', lon: 118.7401, lat: 32.0301 })).json();
    const second = (await post('/api/events', operator, { title: '路灯不亮', category: 'street_light', lon: 118.7402, lat: 32.0302 })).json();
    expect(second.suspectedDuplicateOf).toBe(first.id);
    const far = (await post('/api/events', operator, { title: '路灯', category: 'street_light', lon: 118.71, lat: 32.01 })).json();
    expect(far.suspectedDuplicateOf).toBeNull();
    const merged = (await act(second.id, operator, { action: 'merge', into: first.id })).json();
    expect(merged).toMatchObject({ state: 'voided', duplicateOf: first.id });
  });

  it('filters the list by state, area and category', async () => {
    const res = (await get('/api/events?state=reported,unplaced&area=EG2&category=noise', operator)).json();
    expect(res.events.length).toBeGreaterThan(0);
    expect(res.events.every((e: { state: string; grid: { code: string } | null; category: string }) => e.state === 'reported' && e.grid?.code === 'EG2' && e.category === 'noise')).toBe(true);
  });

  it('re-attributes open cases when the grids are redrawn; closed and unplaced ones stay as they were', async () => {
    const spot = { lon: 118.755, lat: 32.01 }; // EG2 now, EG1 after the redraw
    const open = (await post('/api/events', operator, { title: '开放', category: 'pollution', ...spot })).json();
    const closed = (await post('/api/events', operator, { title: '已关', category: 'pollution', ...spot })).json();
    await act(closed.id, operator, { action: 'reject' });
    const unplaced = (await post('/api/events', operator, { title: '未定位', category: 'pollution' })).json();
    const [oldEg2] = await sql<{ id: string }>(t.url, `SELECT id FROM area WHERE code = 'EG2' AND valid_to IS NULL`);
    const box = (w: number, e: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [w, 32.0],
          [e, 32.0],
          [e, 32.05],
          [w, 32.05],
          [w, 32.0],
        ],
      ],
    });
    const grids = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { code: 'EG1', name: '西网格', parent: 'ED' }, geometry: box(118.7, 118.76) },
        { type: 'Feature', properties: { code: 'EG2', name: '东网格', parent: 'ED' }, geometry: box(118.76, 118.8) },
      ],
    };
    const imp = await post('/api/areas/import?level=grid&codeProperty=code&nameProperty=name&parentProperty=parent', admin, grids);
    expect(imp.statusCode).toBe(201);
    const pub = await post(`/api/areas/versions/${imp.json().versionId}/publish`, admin, {});
    expect(pub.statusCode).toBe(200);
    expect(pub.json().reattributed.event).toBeGreaterThanOrEqual(1);
    expect((await get(`/api/events/${open.id}`, operator)).json().grid.code).toBe('EG1');
    const [c] = await sql<{ grid_code: string; grid_id: string }>(t.url, 'SELECT grid_code, grid_id FROM event WHERE id = $1', [closed.id]);
    expect(c).toEqual({ grid_code: 'EG2', grid_id: oldEg2.id });
    expect((await get(`/api/events/${unplaced.id}`, operator)).json()).toMatchObject({ state: 'unplaced', grid: null });
  });

  it('imports history with original times and outcomes', async () => {
    const res = await post('/api/events/import', operator, [
      { title: '历史1', category: 'noise', ...west, reportedAt: '2024-05-01T02:00:00Z', closedAt: '2024-05-02T02:00:00Z' },
      { title: '历史2', category: 'noise', reportedAt: '2024-05-03T02:00:00Z' },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ imported: 2, unplaced: 1 });
    const [a] = res.json().ids;
    expect((await get(`/api/events/${a}`, operator)).json()).toMatchObject({ state: 'closed', createdAt: '2024-05-01T02:00:00.000Z', grid: { code: 'EG1' } });
    const bad = await post('/api/events/import', operator, [{ title: 'x', category: 'noise', reportedAt: 'yesterday' }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('body.0.reportedAt');
    expect((await post('/api/events/import', worker, [{ title: 'x', category: 'noise', reportedAt: '2024-05-03T02:00:00Z' }])).statusCode).toBe(403);
  });

  it('imports history as CSV, naming the row and field of a bad cell and writing nothing then', async () => {
    const csv = (body: string) => t.app.inject({ method: 'POST', url: '/api/events/import', headers: { ...operator, 'content-type': 'text/csv' }, payload: body });
    const before = await count();
    const bad = await csv('title,category,lon,lat,reportedAt\nA,noise,118.72,32.02,2024-06-01T01:00:00Z\nB,noise,east,32.02,2024-06-01T01:00:00Z\n');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('body.1.lon');
    expect(await count()).toBe(before);
    const ok = await csv('title,category,lon,lat,reportedAt,closedAt,reporter_phone\nA,noise,118.72,32.02,2024-06-01T01:00:00Z,2024-06-02T01:00:00Z,13800001111\nB,road_damage,,,2024-06-03T01:00:00Z,,\n');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ imported: 2, unplaced: 1 });
    const [a, b] = ok.json().ids;
    expect((await get(`/api/events/${a}`, operator)).json()).toMatchObject({ state: 'closed', grid: { code: 'EG1' }, reporter: { phone: '138****1111' } });
    expect((await get(`/api/events/${b}`, operator)).json()).toMatchObject({ state: 'unplaced', category: 'road_damage' });
  });
});
