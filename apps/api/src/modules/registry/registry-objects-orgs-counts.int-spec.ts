import type { TestApp } from '@test/support/app';
import { sqlClient } from '@test/support/db';
import { startRegistryApp } from '@test/support/registry-territory';

describe('registry: objects, organizations and per-grid counts (real PostGIS)', () => {
  let t: TestApp;
  let admin: { authorization: string };
  let operator: { authorization: string };
  beforeAll(async () => {
    ({
      t,
      admin,
      as: { op2: operator },
    } = await startRegistryApp({ op2: [['operator'], 'D1'] }));
  });
  afterAll(async () => {
    await t.close();
  });
  const post = (url: string, payload: object, headers = admin) => t.app.inject({ method: 'POST', url, headers, payload });
  const get = (url: string, headers = admin) => t.app.inject({ method: 'GET', url, headers });

  it('registers city components with a catalogue code, filters by major category, and moves them with history', async () => {
    const res = await post('/api/objects', { categoryCode: '0104', name: '消防栓 XF-001', condition: 'intact', owner: '自来水公司', departmentCode: 'water', lon: 118.74, lat: 32.04 });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ category: { code: '0104', name: '消防栓', major: { code: '01', name: '公用设施' } }, grid: { code: 'G1' } });
    await post('/api/objects', { categoryCode: '0401', name: '行道树 梧桐', lon: 118.78, lat: 32.04 });
    expect((await get('/api/objects?category=01')).json().items.map((o: { name: string }) => o.name)).toEqual(['消防栓 XF-001']);
    const bad = await post('/api/objects', { categoryCode: '0199', name: 'x', lon: 118.74, lat: 32.04 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('body.categoryCode');
    const cond = await post('/api/objects', { categoryCode: '0104', name: 'x', condition: 'broken', lon: 118.74, lat: 32.04 });
    expect(cond.json().details[0].field).toBe('body.condition');
    const id = res.json().id;
    const moved = await t.app.inject({ method: 'PATCH', url: `/api/objects/${id}`, headers: admin, payload: { condition: 'damaged', lon: 118.76, lat: 32.04 } });
    expect(moved.json()).toMatchObject({ condition: 'damaged', grid: { code: 'G2' } });
    expect((await get(`/api/objects/${id}`)).json().history).toEqual([expect.objectContaining({ fromGridCode: 'G1', toGridCode: 'G2' })]);
    expect((await post('/api/objects', { categoryCode: '0104', name: 'x', lon: 118.74, lat: 32.04 }, operator)).statusCode).toBe(403);
  });

  it('registers organizations at a place with a valid credit code and a masked contact phone', async () => {
    const place = (await post('/api/places', { kind: 'compound', name: '锦绣花园', address: '中山南路100号', lon: 118.72, lat: 32.02 })).json();
    const res = await post('/api/organizations', { kind: 'property_mgmt', name: '锦绣物业管理有限公司', uscc: '91350100M000100Y43', placeId: place.id, contactName: '陈经理', contactPhone: '13912345678' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ grid: { code: 'G1' }, contacts: { name: '陈经理', phone: '139****5678' }, ownLocation: false });
    const c = await sqlClient(t.url);
    const dump = JSON.stringify((await c.query(`SELECT * FROM organization`)).rows);
    await c.end();
    expect(dump).not.toContain('13912345678');
    const bad = await post('/api/organizations', { kind: 'company', name: 'x', uscc: '91350100M000100Y44', lon: 118.72, lat: 32.02 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0]).toEqual({ field: 'body.uscc', message: 'check character should be 3' });
    const dup = await post('/api/organizations', { kind: 'company', name: 'y', uscc: '91350100M000100Y43', lon: 118.72, lat: 32.02 });
    expect(dup.statusCode).toBe(409);
    const found = (await get(`/api/organizations?q=${encodeURIComponent('锦绣物业')}`)).json().items;
    expect(found.map((o: { name: string }) => o.name)).toEqual(['锦绣物业管理有限公司']);
    const clear = await get(`/api/organizations/${res.json().id}?unmask=true&purpose=${encodeURIComponent('联系整改')}`);
    expect(clear.json().contacts.phone).toBe('13912345678');
  });

  it('counts per grid by kind, and by tag only for pii:tags', async () => {
    const place = (await post('/api/places', { kind: 'room', name: '东区1号', lon: 118.77, lat: 32.01 })).json();
    await post('/api/people', { name: '甲', householdNo: 'H1', placeId: place.id, tags: ['disabled'] });
    await post('/api/people', { name: '乙', householdNo: 'H1', placeId: place.id, registration: 'floating' });
    await post('/api/people', { name: '丙', householdNo: 'H2', placeId: place.id, tags: ['disabled', 'veteran'] });
    const res = await get('/api/registry/counts?area=D1&groupBy=grid');
    expect(res.statusCode).toBe(200);
    const byCode = Object.fromEntries(res.json().grids.map((g: { grid: { code: string } }) => [g.grid.code, g]));
    expect(byCode.G2).toMatchObject({ grid: { code: 'G2', name: '东网格' }, people: 3, households: 2, registered: 2, floating: 1, places: 1, objects: 2, objectsNeedingRepair: 1, tags: { disabled: 2, veteran: 1 } });
    expect(byCode.G1).toMatchObject({ places: 1, organizations: 1, people: 0 });
    const op = (await get('/api/registry/counts?area=D1', operator)).json();
    expect(op.grids.find((g: { grid: { code: string } }) => g.grid.code === 'G2')).not.toHaveProperty('tags');
    expect((await get('/api/registry/counts?groupBy=street')).statusCode).toBe(400);
  });
});
