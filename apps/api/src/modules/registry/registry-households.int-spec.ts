import { residentIdCheckChar } from '@gc/contracts';
import type { TestApp } from '@test/support/app';
import { sqlRows } from '@test/support/db';
import { startRegistryApp } from '@test/support/registry-territory';

const ID_FIRST = '32010419800101123';
const ID = ID_FIRST + residentIdCheckChar(ID_FIRST);

describe('registry: households (户) (real PostGIS)', () => {
  let t: TestApp;
  let admin: { authorization: string };
  let workerG1: { authorization: string };
  let operator: { authorization: string };
  const req = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, headers = admin) => t.app.inject({ method, url, headers, payload });
  const sql = (q: string, p: unknown[] = []) => sqlRows(t.url, q, p);
  let home: { id: number };
  let shop: { id: number };
  let head: { id: number };

  beforeAll(async () => {
    ({
      t,
      admin,
      as: { hh_worker_g1: workerG1, hh_operator: operator },
    } = await startRegistryApp({ hh_worker_g1: [['grid_worker'], 'G1'], hh_operator: [['operator'], 'D1'] }));
    home = (await req('POST', '/api/places', { kind: 'room', name: '东区3栋201', lon: 118.77, lat: 32.02 })).json();
    shop = (await req('POST', '/api/places', { kind: 'room', name: '西区1栋101', lon: 118.72, lat: 32.02 })).json();
    head = (await req('POST', '/api/people', { name: '王建国', idNumber: ID, phone: '13912345678', householdNo: 'HH-001', householdRole: '户主', placeId: home.id })).json();
    await req('POST', '/api/people', { name: '王小明', householdNo: 'HH-001', householdRole: '子女', placeId: home.id });
    await req('POST', '/api/people', { name: '邻居', householdNo: 'HH-002', placeId: home.id });
  });
  afterAll(async () => {
    await t.close();
  });

  it('registers a household at a place with its head; its members are the people with its number, personal data masked; audited', async () => {
    const res = await req('POST', '/api/households', { householdNo: 'HH-001', type: 'registered', placeId: home.id, headPersonId: head.id });
    expect(res.statusCode).toBe(201);
    const hh = res.json();
    expect(hh).toMatchObject({
      householdNo: 'HH-001',
      type: 'registered',
      place: { id: home.id, name: '东区3栋201' },
      grid: { code: 'G2', name: '东网格' },
      areaPath: 'D1.G2',
      head: { id: head.id, name: '王建国' },
      memberCount: 2,
    });
    const one = await req('GET', `/api/households/${hh.id}`);
    expect(one.statusCode).toBe(200);
    const members = one.json().members;
    expect(members.map((m: { name: string }) => m.name).sort()).toEqual(['王小明', '王建国']);
    const wang = members.find((m: { name: string }) => m.name === '王建国');
    expect(wang).toMatchObject({ householdRole: '户主', registration: 'registered', masked: true, phone: '139****5678' });
    expect(wang.idNumber).not.toBe(ID);
    expect(one.body).not.toContain(ID);
    expect(one.body).not.toContain('13912345678');
    const audit = await sql(`SELECT action FROM audit_log WHERE entity = 'household' AND entity_id = $1`, [String(hh.id)]);
    expect(audit).toEqual([{ action: 'create' }]);
  });

  it('refuses a duplicate number, a head who is not a member, a missing place and unknown fields, naming the field', async () => {
    const dup = await req('POST', '/api/households', { householdNo: 'HH-001', type: 'floating', placeId: home.id });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().details[0].field).toBe('body.householdNo');
    const notMember = await req('POST', '/api/households', { householdNo: 'HH-003', type: 'floating', placeId: home.id, headPersonId: head.id });
    expect(notMember.statusCode).toBe(400);
    expect(notMember.json().details[0].field).toBe('body.headPersonId');
    const noPlace = await req('POST', '/api/households', { householdNo: 'HH-003', type: 'floating', placeId: 999999 });
    expect(noPlace.statusCode).toBe(400);
    expect(noPlace.json().details[0].field).toBe('body.placeId');
    const badType = await req('POST', '/api/households', { householdNo: 'HH-003', type: 'tourist', placeId: home.id });
    expect(badType.statusCode).toBe(400);
    expect(badType.json().details[0].field).toBe('body.type');
    const extra = await req('POST', '/api/households', { householdNo: 'HH-003', type: 'floating', placeId: home.id, members: [] });
    expect(extra.statusCode).toBe(400);
    expect((await sql(`SELECT count(*)::int AS n FROM household`))[0].n).toBe(1);
  });

  it('lists by type, place and number; moves to another place and changes type and head; keeps jurisdiction', async () => {
    const floating = (await req('POST', '/api/households', { householdNo: 'HH-002', type: 'floating', placeId: home.id })).json();
    expect((await req('GET', '/api/households?type=floating')).json().items.map((h: { householdNo: string }) => h.householdNo)).toEqual(['HH-002']);
    expect((await req('GET', `/api/households?placeId=${home.id}`)).json().items).toHaveLength(2);
    expect((await req('GET', '/api/households?householdNo=HH-001')).json().items).toHaveLength(1);
    expect((await req('GET', '/api/households?area=G1')).json().items).toHaveLength(0);
    expect((await req('GET', '/api/households?area=NOPE')).statusCode).toBe(400);

    // The grid worker of G1 sees nothing of G2's households, by list or by id, and cannot write them.
    expect((await req('GET', '/api/households', undefined, workerG1)).json().items).toEqual([]);
    expect((await req('GET', `/api/households/${floating.id}`, undefined, workerG1)).statusCode).toBe(404);
    expect((await req('PATCH', `/api/households/${floating.id}`, { type: 'registered' }, workerG1)).statusCode).toBe(404);
    // The operator reads but does not write.
    expect((await req('GET', `/api/households/${floating.id}`, undefined, operator)).statusCode).toBe(200);
    expect((await req('POST', '/api/households', { householdNo: 'HH-009', type: 'floating', placeId: home.id }, operator)).statusCode).toBe(403);

    const moved = await req('PATCH', `/api/households/${floating.id}`, { placeId: shop.id, type: 'registered' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ type: 'registered', place: { id: shop.id }, grid: { code: 'G1' }, head: null });
    // Now in G1: the G1 worker sees it.
    expect((await req('GET', '/api/households', undefined, workerG1)).json().items.map((h: { householdNo: string }) => h.householdNo)).toEqual(['HH-002']);
    const neighbour = (await req('GET', '/api/people?householdNo=HH-002')).json().items[0];
    const headed = await req('PATCH', `/api/households/${floating.id}`, { headPersonId: neighbour.id });
    expect(headed.json().head).toEqual({ id: neighbour.id, name: '邻居' });
    expect((await req('PATCH', `/api/households/${floating.id}`, { headPersonId: null })).json().head).toBeNull();
    expect((await req('PATCH', `/api/households/${floating.id}`, { householdNo: 'X' })).statusCode).toBe(400);
    expect((await req('PATCH', '/api/households/999999', { type: 'floating' })).statusCode).toBe(404);
    const audit = await sql(`SELECT action FROM audit_log WHERE entity = 'household' AND entity_id = $1 ORDER BY id`, [String(floating.id)]);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'update', 'update']);
  });
});
