import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { startTestApp, type TestApp } from '@test/support/app';
import { insertEventTerritory, sql } from '@test/support/event-territory';

const SCHEMAS = resolve(__dirname, '../../../../../../shared/data/open311');
const schema = (name: string) => JSON.parse(readFileSync(resolve(SCHEMAS, name), 'utf8'));

describe('Open311 GeoReport v2 (real PostGIS, official JSON schemas)', () => {
  let t: TestApp;
  let key: string;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  for (const name of ['service.json', 'request.json', 'service-definition.json']) ajv.addSchema(schema(name), name);
  const validServices = ajv.compile(schema('services.json'));
  const validRequests = ajv.compile(schema('requests.json'));
  const validDefinition = ajv.getSchema('service-definition.json')!;
  const expectValid = (validate: ReturnType<typeof ajv.compile>, body: unknown) => {
    const ok = validate(body);
    if (!ok) throw new Error(JSON.stringify(validate.errors, null, 1));
  };

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PUBLIC_PER_MINUTE: '200' });
    await insertEventTerritory(t.url);
    const res = await t.app.inject({ method: 'POST', url: '/api/api-keys', headers: await t.admin(), payload: { name: 'hotline-12345', roles: ['api_client'] } });
    expect(res.statusCode).toBe(201);
    key = res.json().key;
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists services and service definitions that validate against the schemas, in JSON and XML', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/open311/v2/services.json' });
    expect(res.statusCode).toBe(200);
    expectValid(validServices, res.json());
    expect(res.json()).toContainEqual(expect.objectContaining({ service_code: 'exposed_rubbish', service_name: '暴露垃圾', group: '市容环境', type: 'realtime' }));
    const def = await t.app.inject({ method: 'GET', url: '/open311/v2/services/noise.json' });
    expectValid(validDefinition, def.json());
    expect((await t.app.inject({ method: 'GET', url: '/open311/v2/services/nothing_here.json' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/open311/v2/services/BAD!.json' })).statusCode).toBe(400);
    const x = await t.app.inject({ method: 'GET', url: '/open311/v2/services.xml' });
    expect(x.headers['content-type']).toContain('application/xml');
    const parsed = new XMLParser().parse(x.body);
    expect(parsed.services.service.length).toBe(res.json().length);
  });

  it('accepts form-encoded and JSON posts with an api_key, maps states to open/closed, and filters', async () => {
    const anon = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', payload: { service_code: 'noise' } });
    expect(anon.statusCode).toBe(401);
    const form = await t.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        api_key: key,
        service_code: 'exposed_rubbish',
        lat: '32.02',
        long: '118.72',
        description: '小区门口垃圾',
        first_name: '李',
        phone: '13912345678',
        'attribute[size]': 'big',
      }).toString(),
    });
    expect(form.statusCode).toBe(201);
    const [{ service_request_id: id }] = form.json();
    const json = await t.app.inject({ method: 'POST', url: `/open311/v2/requests.json?api_key=${key}`, payload: { service_code: 'noise', description: 'no location' } });
    expect(json.statusCode).toBe(201);
    expect(json.json()[0].service_notice).toContain('operator');

    const one = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.json`, headers: { 'x-api-key': key } });
    expect(one.statusCode).toBe(200);
    expectValid(validRequests, one.json());
    expect(one.json()[0]).toMatchObject({ service_request_id: id, status: 'open', service_code: 'exposed_rubbish', lat: 32.02, long: 118.72 });
    expect(JSON.stringify(one.json())).not.toContain('13912345678');
    const [ev] = await sql<{ source: string; grid_code: string }>(t.url, 'SELECT source, grid_code FROM event WHERE id = $1', [Number(id)]);
    expect(ev).toEqual({ source: 'open311', grid_code: 'EG1' });

    const admin = await t.admin();
    await t.app.inject({ method: 'POST', url: `/api/events/${id}/transitions`, headers: admin, payload: { action: 'reject', note: '不属于受理范围' } });
    const closed = (await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.json`, headers: { 'x-api-key': key } })).json()[0];
    expect(closed).toMatchObject({ status: 'closed', status_notes: expect.stringContaining('不予受理') });

    const all = await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json', headers: { 'x-api-key': key } });
    expectValid(validRequests, all.json());
    expect(all.json()).toHaveLength(2);
    const open = (await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?status=open', headers: { 'x-api-key': key } })).json();
    expect(open.map((r: { service_code: string }) => r.service_code)).toEqual(['noise']);
    const byCode = (await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?service_code=exposed_rubbish,street_light', headers: { 'x-api-key': key } })).json();
    expect(byCode.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([id]);
    const byId = (await t.app.inject({ method: 'GET', url: `/open311/v2/requests.json?service_request_id=${id}`, headers: { 'x-api-key': key } })).json();
    expect(byId).toHaveLength(1);
    const future = (await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?start_date=2099-01-01T00:00:00Z', headers: { 'x-api-key': key } })).json();
    expect(future).toEqual([]);
    const xml = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.xml`, headers: { 'x-api-key': key } });
    expect(new XMLParser().parse(xml.body).service_requests.request.service_request_id).toBe(Number(id));
    expect((await t.app.inject({ method: 'GET', url: '/open311/v2/requests/999999.json', headers: { 'x-api-key': key } })).statusCode).toBe(404);
  });

  it('serves status reads without a key (public fields only), all fields with a key within its jurisdiction', async () => {
    // A client library as a new integrator uses it: api_key only on the post.
    const posted = await t.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        api_key: key,
        service_code: 'exposed_rubbish',
        lat: '32.023456',
        long: '118.723456',
        description: '我家楼下 3 单元门口垃圾，电话找张阿姨',
        address_string: '幸福小区 3 栋 3 单元',
        first_name: '张',
        phone: '13900001111',
      }).toString(),
    });
    expect(posted.statusCode).toBe(201);
    const [{ service_request_id: id }] = posted.json();
    const privateWords = ['张阿姨', '幸福小区', '13900001111', '32.023456', '118.723456'];

    const anon = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.json` });
    expect(anon.statusCode).toBe(200);
    expectValid(validRequests, anon.json());
    expect(anon.json()[0]).toMatchObject({ service_request_id: id, status: 'open', service_code: 'exposed_rubbish', service_name: '暴露垃圾', description: null, address: null, lat: 32.023, long: 118.723 });
    expect(anon.json()[0].requested_datetime).toEqual(expect.any(String));
    for (const w of privateWords) expect(anon.body).not.toContain(w);
    const anonXml = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.xml` });
    expect(anonXml.statusCode).toBe(200);
    for (const w of privateWords) expect(anonXml.body).not.toContain(w);
    const anonList = await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json' });
    expect(anonList.statusCode).toBe(200);
    expectValid(validRequests, anonList.json());
    expect(anonList.json().map((r: { service_request_id: string }) => r.service_request_id)).toContain(id);
    for (const w of privateWords) expect(anonList.body).not.toContain(w);
    expect((await t.app.inject({ method: 'GET', url: '/open311/v2/requests/999999.json' })).statusCode).toBe(404);

    // The key that may read events here gets every field.
    const full = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.json?api_key=${key}` });
    expectValid(validRequests, full.json());
    expect(full.json()[0]).toMatchObject({ description: expect.stringContaining('张阿姨'), address: '幸福小区 3 栋 3 单元', lat: 32.023456, long: 118.723456 });
    expect(full.body).not.toContain('13900001111'); // the reporter's phone is never part of a request
    // A key for the other grid reads this request as the public does.
    const other = await t.app.inject({ method: 'POST', url: '/api/api-keys', headers: await t.admin(), payload: { name: 'other-grid', roles: ['api_client'], jurisdiction: 'EG2' } });
    const elsewhere = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.json`, headers: { 'x-api-key': other.json().key } });
    expect(elsewhere.statusCode).toBe(200);
    expect(elsewhere.json()[0]).toMatchObject({ description: null, address: null, lat: 32.023 });
    const elsewhereList = await t.app.inject({ method: 'GET', url: `/open311/v2/requests.json?service_request_id=${id}`, headers: { 'x-api-key': other.json().key } });
    expectValid(validRequests, elsewhereList.json());
    for (const w of privateWords) expect(elsewhereList.body).not.toContain(w);
  });

  it('rejects bad posts naming the field and writes nothing', async () => {
    const before = (await sql<{ n: number }>(t.url, 'SELECT count(*)::int AS n FROM event'))[0].n;
    const post = (payload: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-api-key': key }, payload: new URLSearchParams(payload).toString() });
    for (const [payload, field] of [
      [{ service_code: 'noise', lat: 'abc', long: '118.7' }, 'body.lat'],
      [{ service_code: 'noise', lat: '32.0' }, 'body.lat'],
      [{ service_code: 'not_a_service' }, 'body.service_code'],
      [{}, 'body.service_code'],
      [{ service_code: 'noise', hacker: '1' }, 'body.hacker'],
    ] as [Record<string, string>, string][]) {
      const res = await post(payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const badFilter = await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json?status=pending', headers: { 'x-api-key': key } });
    expect(badFilter.statusCode).toBe(400);
    expect((await sql<{ n: number }>(t.url, 'SELECT count(*)::int AS n FROM event'))[0].n).toBe(before);
  });

  it('a revoked key is refused, and revoking it again is a 404 (nothing left to revoke)', async () => {
    const made = await t.app.inject({ method: 'POST', url: '/api/api-keys', headers: await t.admin(), payload: { name: 'to-revoke', roles: ['api_client'] } });
    const { id, key: revoked } = made.json();
    expect((await t.app.inject({ method: 'DELETE', url: `/api/api-keys/${id}`, headers: await t.admin() })).statusCode).toBeLessThan(300);
    const refused = await t.app.inject({ method: 'GET', url: '/open311/v2/requests.json', headers: { 'x-api-key': revoked } });
    expect(refused.statusCode).toBe(401);
    const again = await t.app.inject({ method: 'DELETE', url: `/api/api-keys/${id}`, headers: await t.admin() });
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('NOT_FOUND');
    expect((await t.app.inject({ method: 'DELETE', url: '/api/api-keys/999999', headers: await t.admin() })).statusCode).toBe(404);
  });

  it('limits the public reads per client address (429 names the problem; another address is not affected)', async () => {
    const get = (remoteAddress: string) => t.app.inject({ method: 'GET', url: '/open311/v2/requests.json', remoteAddress });
    const codes: number[] = [];
    for (let i = 0; i < 201; i++) codes.push((await get('203.0.113.99')).statusCode);
    expect(codes.slice(0, 200).every((c) => c === 200)).toBe(true);
    const limited = await get('203.0.113.99');
    expect([codes[200], limited.statusCode]).toEqual([429, 429]);
    expect(limited.json().code).toBe('RATE_LIMITED');
    expect((await get('203.0.113.100')).statusCode).toBe(200);
  });
});
