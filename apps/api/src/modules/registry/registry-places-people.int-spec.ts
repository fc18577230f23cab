import { residentIdCheckChar } from '@gc/contracts';
import type { TestApp } from '@test/support/app';
import { sqlRows } from '@test/support/db';
import { startRegistryApp } from '@test/support/registry-territory';

const ID_FIRST = '32010419850307123';
const ID = ID_FIRST + residentIdCheckChar(ID_FIRST);
const WRONG_CHECK = ID_FIRST + (ID.endsWith('0') ? '1' : '0');

describe('registry: places and people (real PostGIS)', () => {
  let t: TestApp;
  let admin: { authorization: string };
  let worker: { authorization: string };
  let operator: { authorization: string };
  const sql = (q: string, p: unknown[] = []) => sqlRows(t.url, q, p);

  beforeAll(async () => {
    ({
      t,
      admin,
      as: { worker_g2: worker, operator1: operator },
    } = await startRegistryApp({ worker_g2: [['grid_worker'], 'G2'], operator1: [['operator'], 'D1'] }));
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (url: string, payload: object, headers = admin) => t.app.inject({ method: 'POST', url, headers, payload });
  const get = (url: string, headers = admin) => t.app.inject({ method: 'GET', url, headers });

  it('creates a place attributed to its grid in the same write, audited', async () => {
    const res = await post('/api/places', { kind: 'building', name: '锦绣花园3栋', address: '南京市秦淮区中山南路100号锦绣花园3栋', compound: '锦绣花园', building: '3', lon: 118.72, lat: 32.02 });
    expect(res.statusCode).toBe(201);
    const place = res.json();
    expect(place).toMatchObject({ kind: 'building', grid: { code: 'G1', name: '西网格' }, areaPath: 'D1.G1', location: { lon: 118.72, lat: 32.02 } });
    const audit = await sql(`SELECT action, after FROM audit_log WHERE entity = 'place' AND entity_id = $1`, [String(place.id)]);
    expect(audit).toEqual([expect.objectContaining({ action: 'create' })]);
  });

  it('rejects a point outside every area, a bad kind and unknown fields, naming the field and writing nothing', async () => {
    const before = (await sql(`SELECT count(*)::int AS n FROM place`))[0].n;
    const outside = await post('/api/places', { kind: 'shop', name: '界外小店', lon: 119.5, lat: 32.02 });
    expect(outside.statusCode).toBe(400);
    expect(outside.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'body.lon' }] });
    expect(outside.json().message).toMatch(/outside every area/);
    const kind = await post('/api/places', { kind: 'castle', name: 'x', lon: 118.72, lat: 32.02 });
    expect(kind.statusCode).toBe(400);
    expect(kind.json().details[0].field).toBe('body.kind');
    const extra = await post('/api/places', { kind: 'shop', name: 'x', lon: 118.72, lat: 32.02, owner: 'y' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().message).toContain('owner');
    const lat = await post('/api/places', { kind: 'shop', name: 'x', lon: 118.72, lat: 95 });
    expect(lat.json().details[0].field).toBe('body.lat');
    expect((await sql(`SELECT count(*)::int AS n FROM place`))[0].n).toBe(before);
  });

  it('searches Chinese names and addresses fuzzily and filters by area and kind', async () => {
    await post('/api/places', { kind: 'shop', name: '老王面馆', address: '南京市秦淮区龙蟠中路8号', lon: 118.77, lat: 32.03 });
    await post('/api/places', { kind: 'school', name: '龙蟠小学', address: '南京市秦淮区龙蟠中路20号', lon: 118.78, lat: 32.01 });
    const byAddress = (await get(`/api/places?q=${encodeURIComponent('龙蟠中路')}`)).json().items.map((p: { name: string }) => p.name);
    expect(byAddress.sort()).toEqual(['老王面馆', '龙蟠小学'].sort());
    const byName = (await get(`/api/places?q=${encodeURIComponent('锦绣')}`)).json().items.map((p: { name: string }) => p.name);
    expect(byName).toEqual(['锦绣花园3栋']);
    const g2 = (await get('/api/places?area=G2')).json().items;
    expect(g2.map((p: { grid: { code: string } }) => p.grid.code)).toEqual(['G2', 'G2']);
    const schools = (await get('/api/places?area=D1&kind=school')).json().items;
    expect(schools.map((p: { name: string }) => p.name)).toEqual(['龙蟠小学']);
    const bad = await get('/api/places?area=NOPE');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('query.area');
  });

  it('masks ID and phone numbers on the server and stores them only encrypted', async () => {
    const place = (await post('/api/places', { kind: 'room', name: '锦绣花园3栋1单元502', lon: 118.71, lat: 32.01 })).json();
    const res = await post('/api/people', { name: '张三', idNumber: ID, phone: '13812345678', householdNo: 'H001', placeId: place.id, tags: ['elderly_alone'] });
    expect(res.statusCode).toBe(201);
    const person = res.json();
    expect(person.idNumber).toBe(ID.slice(0, 4) + '*'.repeat(10) + ID.slice(-4));
    expect(person.phone).toBe('138****5678');
    // the masked view carries the birth year only (the clear date would undo the ID mask); unmasked, the date
    expect(person).toMatchObject({ grid: { code: 'G1' }, ownLocation: false, gender: 'male', birthDate: '1985-**-**', tags: ['elderly_alone'] });
    expect((await get(`/api/people/${person.id}?unmask=true&purpose=registry%20check`)).json()).toMatchObject({ idNumber: ID, birthDate: '1985-03-07' });
    const dump = JSON.stringify(await sql(`SELECT * FROM person`)) + JSON.stringify(await sql(`SELECT * FROM audit_log`));
    expect(dump).not.toContain(ID);
    expect(dump).not.toContain('13812345678');
    const found = (await get(`/api/people?idNumber=${ID}&purpose=registry%20check`)).json().items;
    expect(found.map((p: { id: number }) => p.id)).toEqual([person.id]);
    const dup = await post('/api/people', { name: '李四', idNumber: ID, placeId: place.id });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().message).toMatch(/^idNumber/);
  });

  it('names a wrong ID check digit and a bad phone, writing nothing', async () => {
    const before = (await sql(`SELECT count(*)::int AS n FROM person`))[0].n;
    const bad = await post('/api/people', { name: '王五', idNumber: WRONG_CHECK, lon: 118.72, lat: 32.02 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0]).toEqual({ field: 'body.idNumber', message: `check digit should be ${ID.slice(-1)}` });
    const phone = await post('/api/people', { name: '王五', phone: '1381234', lon: 118.72, lat: 32.02 });
    expect(phone.json().details[0].field).toBe('body.phone');
    const nowhere = await post('/api/people', { name: '王五' });
    expect(nowhere.statusCode).toBe(400);
    expect(nowhere.json().details[0].field).toBe('body.placeId');
    expect((await sql(`SELECT count(*)::int AS n FROM person`))[0].n).toBe(before);
  });

  it('unmasks only with pii:unmask and a purpose, and audits each unmasked read', async () => {
    const [{ id }] = await sql(`SELECT id::int FROM person WHERE name = '张三'`);
    const noPurpose = await get(`/api/people/${id}?unmask=true`);
    expect(noPurpose.statusCode).toBe(400);
    expect(noPurpose.json().details[0].field).toBe('query.purpose');
    const clear = await get(`/api/people/${id}?unmask=true&purpose=${encodeURIComponent('low-income benefit review')}`);
    expect(clear.statusCode).toBe(200);
    expect(clear.json()).toMatchObject({ idNumber: ID, phone: '13812345678', masked: false });
    const reads = await sql(`SELECT actor_name, purpose FROM audit_log WHERE action = 'read_unmasked' AND entity = 'person' AND entity_id = $1`, [String(id)]);
    // (the first: the birth date check of the masking test above)
    expect(reads).toEqual([
      { actor_name: 'root-admin', purpose: 'registry check' },
      { actor_name: 'root-admin', purpose: 'low-income benefit review' },
    ]);
    const op = await get(`/api/people/${id}?unmask=true&purpose=curious`, operator);
    expect(op.statusCode).toBe(403);
  });

  it('shows and filters special-group tags only with pii:tags', async () => {
    const asOperator = (await get('/api/people', operator)).json().items;
    expect(asOperator.length).toBeGreaterThan(0);
    expect(asOperator.every((p: object) => !('tags' in p))).toBe(true);
    expect((await get('/api/people?tag=elderly_alone', operator)).statusCode).toBe(403);
    const tagged = (await get('/api/people?tag=elderly_alone')).json().items;
    expect(tagged.map((p: { name: string }) => p.name)).toEqual(['张三']);
    const unknown = await post('/api/people', { name: '赵六', tags: ['vip'], lon: 118.72, lat: 32.02 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toMatch(/tags: unknown tag/);
  });

  it('moving a place re-attributes it and the people living there, keeping the history', async () => {
    const [{ id: placeId }] = await sql(`SELECT id::int FROM place WHERE name = '锦绣花园3栋1单元502'`);
    const moved = await t.app.inject({ method: 'PATCH', url: `/api/places/${placeId}`, headers: admin, payload: { lon: 118.76, lat: 32.01 } });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().grid.code).toBe('G2');
    const place = (await get(`/api/places/${placeId}`)).json();
    expect(place.history).toEqual([expect.objectContaining({ fromGridCode: 'G1', toGridCode: 'G2', reason: 'move' })]);
    const person = (await get(`/api/people?placeId=${placeId}`)).json().items[0];
    expect(person).toMatchObject({ grid: { code: 'G2' }, location: { lon: 118.76, lat: 32.01 } });
    const history = (await get(`/api/people/${person.id}`)).json().history;
    expect(history).toEqual([expect.objectContaining({ fromGridCode: 'G1', toGridCode: 'G2', reason: 'place_moved' })]);
    const audit = await sql(`SELECT before->'grid'->>'code' AS b, after->'grid'->>'code' AS a FROM audit_log WHERE entity = 'place' AND action = 'update' AND entity_id = $1`, [String(placeId)]);
    expect(audit).toEqual([{ b: 'G1', a: 'G2' }]);
  });

  it('a PATCH writes only the fields it carries (null clears one), stores a footprint as a MultiPolygon, and leaves the point alone', async () => {
    const patch = (url: string, payload: object) => t.app.inject({ method: 'PATCH', url, headers: admin, payload });
    const parent = (await post('/api/places', { kind: 'compound', name: '部分更新小区', lon: 118.72, lat: 32.02 })).json();
    const ring = [
      [118.7199, 32.0199],
      [118.7201, 32.0199],
      [118.7201, 32.0201],
      [118.7199, 32.0201],
      [118.7199, 32.0199],
    ];
    const created = await post('/api/places', { kind: 'building', name: '部分更新1栋', address: '地址甲', building: '1', parentId: parent.id, properties: { floors: 6 }, lon: 118.72, lat: 32.02 });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const stored = async () =>
      (
        await sql(
          `SELECT name, address, building, parent_id::int AS "parentId", properties, GeometryType(footprint) AS footprint, ST_AsText(geom) AS geom, grid_code AS grid, updated_at AS "updatedAt" FROM place WHERE id = $1`,
          [id],
        )
      )[0];
    const first = await stored();

    const named = await patch(`/api/places/${id}`, { name: '部分更新1幢', footprint: { type: 'Polygon', coordinates: [ring] } });
    expect(named.statusCode).toBe(200);
    const second = await stored();
    expect(second).toMatchObject({ name: '部分更新1幢', address: '地址甲', building: '1', parentId: parent.id, properties: { floors: 6 }, footprint: 'MULTIPOLYGON', geom: first.geom, grid: 'G1' });
    expect(second.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
    expect(named.json().footprint.type).toBe('MultiPolygon');

    const cleared = await patch(`/api/places/${id}`, { address: null, parentId: null, footprint: null, properties: { floors: 7 } });
    expect(cleared.statusCode).toBe(200);
    expect(await stored()).toMatchObject({ name: '部分更新1幢', address: null, building: '1', parentId: null, properties: { floors: 7 }, footprint: null, geom: first.geom });
    expect((await get(`/api/places/${id}`)).json().history).toEqual([]);
    const audit = await sql(`SELECT before->>'address' AS b, after->>'address' AS a FROM audit_log WHERE entity = 'place' AND action = 'update' AND entity_id = $1 ORDER BY id`, [String(id)]);
    expect(audit).toEqual([
      { b: '地址甲', a: '地址甲' },
      { b: '地址甲', a: null },
    ]);

    const object = (await post('/api/objects', { categoryCode: '0104', name: '部分更新井盖', owner: '某公司', departmentCode: 'water', address: '路口', lon: 118.72, lat: 32.02 })).json();
    const o = await patch(`/api/objects/${object.id}`, { owner: null, condition: 'damaged' });
    expect(o.statusCode).toBe(200);
    expect(o.json()).toMatchObject({ name: '部分更新井盖', owner: null, condition: 'damaged', departmentCode: 'water', address: '路口', location: { lon: 118.72, lat: 32.02 } });
  });

  it('confines a grid worker to their grid (404 outside) and needs registry:write to write', async () => {
    const [{ id: g1 }] = await sql(`SELECT id::int FROM place WHERE grid_code = 'G1' LIMIT 1`);
    expect((await get(`/api/places/${g1}`, worker)).statusCode).toBe(404);
    const mine = (await get('/api/places', worker)).json().items;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((p: { grid: { code: string } }) => p.grid.code === 'G2')).toBe(true);
    const outside = await post('/api/places', { kind: 'shop', name: '西边小店', lon: 118.71, lat: 32.01 }, worker);
    expect(outside.statusCode).toBe(403);
    const ok = await post('/api/places', { kind: 'shop', name: '东边小店', lon: 118.79, lat: 32.01 }, worker);
    expect(ok.statusCode).toBe(201);
    expect((await post('/api/places', { kind: 'shop', name: 'x', lon: 118.79, lat: 32.01 }, operator)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/places' })).statusCode).toBe(401);
  });
});
