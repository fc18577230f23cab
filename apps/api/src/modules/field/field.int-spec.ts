import { startTestApp, type TestApp } from '@test/support/app';
import { insertEventTerritory, sql } from '@test/support/event-territory';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { PositionsRepository } from './positions.repository';
import { WorkersRepository } from './workers.repository';
import { PositionsService } from './positions.service';

type H = { authorization: string };

/** Great-circle distance in metres (an independent check of PostGIS's geography distance, ±0.5%). */
function haversine(a: [number, number], b: [number, number]): number {
  const R = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

describe('field: positions, nearest workers, patrols, visits, dispatch to a worker (real PostGIS)', () => {
  let t: TestApp;
  let admin: H;
  let operator: H;
  let opWest: H;
  let gw1: H; // EG1, grid staff of EG1
  let gw2: H; // EG2
  let gwD: H; // the whole district
  const ids: Record<string, number> = {};
  const here: [number, number] = [118.72, 32.02]; // in EG1

  const post = (url: string, headers: H, payload: unknown, extra: Record<string, string> = {}) => t.app.inject({ method: 'POST', url, headers: { ...headers, ...extra }, payload: payload as object });
  const get = (url: string, headers: H) => t.app.inject({ method: 'GET', url, headers });
  const user = async (username: string, roles: string[], jurisdiction: string) => {
    const res = await post('/api/users', admin, { username, password: `${username}-password-1`, roles, jurisdiction, displayName: `名${username}` });
    expect(res.statusCode).toBe(201);
    ids[username] = res.json().id;
    return t.login(username, `${username}-password-1`);
  };
  const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  const count = async (table: string, where = 'true', params: unknown[] = []) => Number((await sql<{ n: string }>(t.url, `SELECT count(*) AS n FROM ${table} WHERE ${where}`, params))[0].n);

  beforeAll(async () => {
    t = await startTestApp();
    await insertEventTerritory(t.url);
    admin = await t.admin();
    operator = await user('op1', ['operator'], '*');
    opWest = await user('opw', ['operator'], 'EG1');
    gw1 = await user('gw1', ['grid_worker'], 'EG1');
    gw2 = await user('gw2', ['grid_worker'], 'EG2');
    gwD = await user('gwd', ['grid_worker'], 'ED');
    await sql(t.url, `UPDATE grid_staff SET user_id = $1 WHERE area_code = 'EG1'`, [ids.gw1]);
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores a batch once per Idempotency-Key, moves the latest position forward only, and pushes worker.position', async () => {
    const batch = {
      positions: [
        { at: ago(3), lon: 118.71, lat: 32.02, accuracy: 8 },
        { at: ago(2), lon: 118.715, lat: 32.02, accuracy: 8 },
        { at: ago(1), ...{ lon: here[0] + 0.001, lat: here[1] }, accuracy: 5 },
      ],
    };
    const first = await post('/api/field/positions', gw1, batch, { 'idempotency-key': 'b-1' });
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ accepted: 3, duplicate: false });
    const again = await post('/api/field/positions', gw1, batch, { 'idempotency-key': 'b-1' });
    expect(again.json()).toEqual({ accepted: 3, duplicate: true });
    expect(await count('worker_position', 'worker_id = $1', [ids.gw1])).toBe(3);
    // An older batch arriving late is stored but does not move the latest position back.
    expect((await post('/api/field/positions', gw1, { positions: [{ at: ago(30), lon: 118.7, lat: 32.0 }] })).statusCode).toBe(202);
    const [latest] = await sql<{ x: number; path: string }>(t.url, `SELECT ST_X(geom) AS x, area_path::text AS path FROM worker_latest WHERE worker_id = $1`, [ids.gw1]);
    expect(latest).toEqual({ x: here[0] + 0.001, path: 'EC.ED.EG1' });
    const changes = await sql<{ payload: any; area_path: string }>(t.url, `SELECT payload, area_path::text FROM change WHERE type = 'worker.position' AND entity_id = $1`, [String(ids.gw1)]);
    expect(changes).toHaveLength(1); // the retry and the older batch pushed nothing
    expect(changes[0]).toMatchObject({ area_path: 'EC.ED.EG1', payload: { workerId: ids.gw1, name: '名gw1', state: 'idle', openTasks: 0 } });
    // Positions are for the command roles: the catch-up feed leaves them out for others of the same area.
    const types = async (h: H): Promise<string[]> => (await get('/api/changes?since=0&limit=1000', h)).json().changes.map((c: { type: string }) => c.type);
    // the sequencer numbers the row just after the commit
    for (let i = 0; i < 50 && !(await types(operator)).includes('worker.position'); i++) await new Promise((ok) => setTimeout(ok, 100));
    expect(await types(operator)).toContain('worker.position');
    expect(await types(gw1)).not.toContain('worker.position');
    expect(await types(await user('analyst1', ['analyst'], '*'))).not.toContain('worker.position');
  });

  it('refuses bad batches whole (400 naming the field) and positions from anyone but a grid worker (403)', async () => {
    const before = await count('worker_position');
    const bad = await post('/api/field/positions', gw1, {
      positions: [
        { at: ago(1), lon: 118.72, lat: 32.02 },
        { at: ago(1), lon: 118.72, lat: 95 },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('body.positions.1.lat');
    const future = await post('/api/field/positions', gw1, { positions: [{ at: new Date(Date.now() + 3_600_000).toISOString(), lon: 118.72, lat: 32.02 }] });
    expect(future.statusCode).toBe(400);
    expect((await post('/api/field/positions', gw1, { positions: [] })).statusCode).toBe(400);
    expect((await post('/api/field/positions', operator, { positions: [{ at: ago(1), lon: 118.72, lat: 32.02 }] })).statusCode).toBe(403);
    expect(await count('worker_position')).toBe(before);
  });

  it('suggests the grid staff first, then the nearest by distance, with state, load and availability, inside the jurisdiction', async () => {
    // gw2 just inside EG2 (~3.3 km east); gwD in EG1 ~190 m east of `here` (then goes stale).
    await post('/api/field/positions', gw2, { positions: [{ at: ago(1), lon: 118.755, lat: 32.02 }] });
    await post('/api/field/positions', gwD, { positions: [{ at: ago(1), lon: here[0] + 0.002, lat: here[1] }] });

    const all = (await get(`/api/workers?near=${here.join(',')}&limit=10`, operator)).json().workers;
    expect(all.map((w: any) => w.id)).toEqual([ids.gw1, ids.gwd, ids.gw2]); // nearest first
    // Spheroid (PostGIS) against sphere (haversine): within 0.5%.
    for (const w of all) expect(Math.abs(w.distanceM / haversine(here, [w.lon, w.lat]) - 1)).toBeLessThan(0.005);
    expect(all[0]).toMatchObject({ name: '名gw1', state: 'idle', openTasks: 0, gridStaff: false });

    // With the grid: its staff first, and only workers who may see a case of EG1 (not gw2 of EG2).
    const forEG1 = (await get(`/api/workers?near=${[118.74, 32.02].join(',')}&grid=EG1`, operator)).json().workers;
    expect(forEG1.map((w: any) => [w.id, w.gridStaff])).toEqual([
      [ids.gw1, true],
      [ids.gwd, false],
    ]);

    // gwD goes offline (last position 20 minutes ago): listed as offline, left out when available=true.
    await sql(t.url, `UPDATE worker_latest SET at = now() - interval '20 minutes' WHERE worker_id = $1`, [ids.gwd]);
    const stale = (await get(`/api/workers?near=${here.join(',')}`, operator)).json().workers;
    expect(stale.find((w: any) => w.id === ids.gwd).state).toBe('offline');
    const available = (await get(`/api/workers?near=${here.join(',')}&available=true`, operator)).json().workers;
    expect(available.map((w: any) => w.id)).toEqual([ids.gw1, ids.gw2]);
    // The K nearest are read first; when too few of them pass (here K = 1: gwD, offline) the full query answers the same.
    const repo = t.app.get(WorkersRepository);
    const db = t.app.get(TransactionRunner).manager;
    const q = { lon: here[0] + 0.002, lat: here[1], gridCode: null, available: true, limit: 10 };
    const viaFallback = await repo.near(db, { ...q, candidates: 1 }, null);
    expect(viaFallback.workers.map((w) => w.id)).toEqual([ids.gw1, ids.gw2]);
    expect(viaFallback).toEqual(await repo.near(db, q, null));
    // With a grid too (its own statement): staff first, never twice, the same through the fallback.
    const withGrid = await repo.near(db, { ...q, gridCode: 'EG1', available: false }, null);
    expect(withGrid.workers.map((w) => [w.id, w.gridStaff])).toEqual([
      [ids.gw1, true],
      [ids.gwd, false],
    ]);
    expect(await repo.near(db, { ...q, gridCode: 'EG1', available: false, candidates: 1 }, null)).toEqual(withGrid);

    // An operator of EG1 sees no worker whose latest position lies in EG2.
    const west = (await get(`/api/workers?near=${here.join(',')}`, opWest)).json().workers;
    expect(west.map((w: any) => w.id)).not.toContain(ids.gw2);
    expect(west.length).toBeGreaterThan(0);

    expect((await get(`/api/workers?near=200,32`, operator)).statusCode).toBe(400);
    expect((await get(`/api/workers?near=118.7,32&grid=NOPE`, operator)).statusCode).toBe(404);
    expect((await get(`/api/workers?near=118.7,32`, gw1)).statusCode).toBe(403);
  });

  it('dispatches a case to a named worker who can see it, counts it as their load, and refuses one who cannot', async () => {
    const e = (await post('/api/events', operator, { title: '井盖破损', category: 'exposed_rubbish', lon: 118.73, lat: 32.02 })).json();
    expect((await post(`/api/events/${e.id}/transitions`, operator, { action: 'accept' })).statusCode).toBe(200);
    expect((await post(`/api/events/${e.id}/transitions`, operator, { action: 'register' })).statusCode).toBe(200);
    const refused = await post(`/api/events/${e.id}/transitions`, operator, { action: 'dispatch', assignee: ids.gw2 });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().details[0].field).toBe('body.assignee');
    const ok = await post(`/api/events/${e.id}/transitions`, operator, { action: 'dispatch', assignee: ids.gwd });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().assignee).toMatchObject({ userId: ids.gwd, name: '名gwd' });
    const [change] = await sql<{ area_path: string; payload: any }>(t.url, `SELECT area_path::text, payload FROM change WHERE type = 'event.transitioned' AND entity_id = $1 ORDER BY id DESC LIMIT 1`, [String(e.id)]);
    expect(change.area_path).toBe('EC.ED.EG1'); // reaches gwD's socket (jurisdiction ED)
    const gwdRow = (await get(`/api/workers?near=${here.join(',')}`, operator)).json().workers.find((w: any) => w.id === ids.gwd);
    expect(gwdRow.openTasks).toBe(1);
    // The worker sees it in their list.
    const mine = (await get(`/api/events?state=dispatched`, gwD)).json().events;
    expect(mine.map((x: any) => x.id)).toContain(e.id);
  });

  it('runs a patrol: one at a time, track and coverage derived in PostGIS, reads audited and limited', async () => {
    const start = await post('/api/patrols', gw1, {});
    expect(start.statusCode).toBe(201);
    const patrol = start.json();
    expect(patrol).toMatchObject({ workerId: ids.gw1, gridCode: 'EG1', endedAt: null, positions: 0, track: null });
    expect((await post('/api/patrols', gw1, {})).statusCode).toBe(409);
    // Across EG1 from its west edge to its east edge at 32.025: a 100 m band of a 0.05° tall grid.
    const positions = [0, 1, 2, 3, 4, 5].map((i) => ({ at: ago(6 - i), lon: 118.7 + i * 0.01, lat: 32.025 }));
    expect((await post('/api/field/positions', gw1, { positions }, { 'idempotency-key': 'p-1' })).statusCode).toBe(202);
    const end = await post(`/api/patrols/${patrol.id}/end`, gw1, {});
    expect(end.statusCode).toBe(200);
    expect((await post(`/api/patrols/${patrol.id}/end`, gw1, {})).statusCode).toBe(409);
    expect((await post(`/api/patrols/${patrol.id}/end`, gw2, {})).statusCode).toBe(404);

    const auditBefore = await count('audit_log', `action = 'read_positions'`);
    const list = await get(`/api/patrols?worker=${ids.gw1}`, operator);
    expect(list.statusCode).toBe(200);
    const [p] = list.json().patrols;
    expect(p.id).toBe(patrol.id);
    expect(p.track.type).toBe('LineString');
    expect(p.track.coordinates).toHaveLength(6);
    expect(Math.abs(p.lengthM / haversine([118.7, 32.025], [118.75, 32.025]) - 1)).toBeLessThan(0.005);
    const gridHeight = haversine([118.7, 32.0], [118.7, 32.05]);
    expect(p.coverage).toBeGreaterThan((100 / gridHeight) * 0.97);
    expect(p.coverage).toBeLessThan((100 / gridHeight) * 1.03);
    expect(await count('audit_log', `action = 'read_positions'`)).toBe(auditBefore + 1);

    expect((await get(`/api/patrols?worker=${ids.gw1}`, gw2)).statusCode).toBe(403);
    expect((await get(`/api/patrols`, await user('an2', ['analyst'], '*'))).statusCode).toBe(403);
    const sup = await user('sup1', ['supervisor'], '*');
    expect((await get(`/api/patrols?worker=${ids.gw1}`, sup)).json().patrols.map((x: { id: number }) => x.id)).toEqual([patrol.id]);
    expect((await get(`/api/patrols`, gw2)).json().patrols).toEqual([]);
    expect((await get(`/api/patrols?from=2026-02-01&to=2026-01-01`, operator)).statusCode).toBe(400);
  });

  it('logs a visit once per Idempotency-Key, inside the jurisdiction, without ID numbers in the answer', async () => {
    const place = (await post('/api/places', admin, { kind: 'building', name: '一号楼', lon: 118.72, lat: 32.02 })).json();
    const person = (await post('/api/people', admin, { name: '李四', placeId: place.id, phone: '13912345678' })).json();
    const placeEast = (await post('/api/places', admin, { kind: 'shop', name: '东店', lon: 118.78, lat: 32.02 })).json();
    const body = { personId: person.id, notes: '独居老人, 身体尚可', tags: ['elderly_check'] };
    const first = await post('/api/visits', gw1, body, { 'idempotency-key': 'v-1' });
    expect(first.statusCode).toBe(201);
    const again = await post('/api/visits', gw1, body, { 'idempotency-key': 'v-1' });
    expect(again.json().id).toBe(first.json().id);
    expect(await count('visit')).toBe(1);
    expect((await post('/api/visits', gw1, { ...body, notes: 'other' }, { 'idempotency-key': 'v-1' })).statusCode).toBe(409);
    expect((await post('/api/visits', gw1, { placeId: placeEast.id })).statusCode).toBe(404);
    expect((await post('/api/visits', gw1, { notes: 'nobody' })).statusCode).toBe(400);
    expect((await post('/api/visits', gw1, { placeId: place.id, followUpEventIds: [999999] })).statusCode).toBe(400);
    expect(await count('visit')).toBe(1);

    const read = await get(`/api/visits?personId=${person.id}`, gw1);
    expect(read.json().visits).toEqual([expect.objectContaining({ personName: '李四', workerName: '名gw1', tags: ['elderly_check'], gridCode: 'EG1' })]);
    expect(read.body).not.toContain('13912345678');
    expect((await get(`/api/visits?personId=${person.id}`, gw2)).json().visits).toEqual([]);
    expect((await get(`/api/visits`, gw1)).statusCode).toBe(400);
  });

  it('deletes positions past the retention period', async () => {
    await post('/api/field/positions', gw2, { positions: [{ at: new Date(Date.now() - 100 * 86_400_000).toISOString(), lon: 118.76, lat: 32.01 }] });
    const old = await count('worker_position', `at < now() - interval '90 days'`);
    expect(old).toBe(1);
    const total = await count('worker_position');
    const r = await t.app.get(PositionsService).purge(90);
    expect(r.positions).toBe(1);
    expect(await count('worker_position')).toBe(total - 1);
  });

  it('stores several workers’ batches in one statement: each key once, each latest position forward only, one message per worker moved', async () => {
    const repo = t.app.get(PositionsRepository);
    const db = t.app.get(TransactionRunner).manager;
    const before = await count('worker_position');
    const changesBefore = await count('change', `type = 'worker.position'`);
    const fix = (lon: number, minutes: number) => ({ at: new Date(Date.now() - minutes * 60_000), lon, lat: 32.03, accuracy: 5 });
    const out = await repo.ingestGroup(db, [
      { workerId: ids.gw1, key: 'grp-1', positions: [fix(118.711, 0.6), fix(118.712, 0.5)] },
      { workerId: ids.gw2, key: 'b-1', positions: [fix(118.761, 0.5)] }, // gw2 never used b-1 (gw1 did): fresh
      { workerId: ids.gwd, key: null, positions: [fix(118.5, 0.5)] }, // outside the territory: stored, no message
    ]);
    expect(out.map((o) => [o.fresh, o.stored, o.moved])).toEqual([
      [true, 2, true],
      [true, 1, true],
      [true, 1, true],
    ]);
    expect(out[0].pushed).toBe(2);
    const again = await repo.ingestGroup(db, [
      { workerId: ids.gw1, key: 'grp-1', positions: [fix(118.719, 0.1)] }, // a used key: nothing, and the first count
      { workerId: ids.gw2, key: 'grp-2', positions: [fix(118.769, 30)] }, // older than gw2's latest: stored, latest not moved
    ]);
    expect(again.map((o) => [o.fresh, o.stored, o.moved, o.accepted])).toEqual([
      [false, 0, false, 2],
      [true, 1, false, null],
    ]);
    expect(again[0].pushed).toBe(0);
    expect(await count('worker_position')).toBe(before + 5);
    expect(await count('change', `type = 'worker.position'`)).toBe(changesBefore + 2);
    const latest = await sql<{ id: string; x: number }>(t.url, `SELECT worker_id::text AS id, ST_X(geom) AS x FROM worker_latest WHERE worker_id = ANY($1) ORDER BY worker_id`, [[ids.gw1, ids.gw2]]);
    expect(latest.map((r) => r.x)).toEqual([118.712, 118.761]);
    const [msg] = await sql<{ payload: any }>(t.url, `SELECT payload FROM change WHERE type = 'worker.position' AND entity_id = $1 ORDER BY id DESC LIMIT 1`, [String(ids.gw1)]);
    expect(msg.payload).toMatchObject({ workerId: ids.gw1, name: '名gw1', lon: 118.712, lat: 32.03, accuracy: 5, state: 'idle' });
    expect(new Date(msg.payload.at).toISOString()).toBe(msg.payload.at);
  });
});
