import type { Client } from 'pg';
import { startTestApp, type TestApp } from '@test/support/app';
import { sqlClient } from '@test/support/db';
import { twoGridTerritory } from '@test/support/factories';

/**
 * Issue #16 §4: input that reached PostgreSQL (or recursive code) and came back as a 500 is now a
 * 4xx naming the field or the limit, and nothing is written.
 */
describe('hostile values the database cannot hold: NUL, far-off dates, deep nesting', () => {
  let t: TestApp;
  let db: Client;
  let admin: { authorization: string };
  let territory: Awaited<ReturnType<typeof twoGridTerritory>>;
  const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  const nested = (depth: number) => {
    let s = '1';
    for (let i = 0; i < depth; i++) s = i % 2 ? `[${s}]` : `{"a":${s}}`;
    return s;
  };

  beforeAll(async () => {
    t = await startTestApp();
    db = await sqlClient(t.url);
    territory = await twoGridTerritory(db);
    admin = await t.admin();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  it('answers a NUL byte in a query string with 400 naming the parameter', async () => {
    for (const url of ['/api/places?q=%00', '/api/areas?q=ab%00c', '/api/people?q=%00x']) {
      const res = await t.app.inject({ method: 'GET', url, headers: admin });
      expect([url, res.statusCode]).toEqual([url, 400]);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'query.q' }] });
    }
    const inPath = await t.app.inject({ method: 'GET', url: '/api/areas/GA%00', headers: admin });
    expect(inPath.statusCode).toBe(400);
  });

  it('answers a NUL byte in a JSON string (a title, a key) with 400 naming the field, writing nothing', async () => {
    const before = await count('event');
    const title = await t.app.inject({ method: 'POST', url: '/api/events', headers: admin, payload: { title: 'a\u0000b', category: 'noise', ...territory.pointInA } });
    expect(title.statusCode).toBe(400);
    expect(title.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'body.title' }] });
    const key = await t.app.inject({ method: 'POST', url: '/api/places', headers: admin, payload: { kind: 'shop', name: 'x', ...territory.pointInA, properties: { 'k\u0000': 1 } } });
    expect(key.statusCode).toBe(400);
    expect(key.json().details[0].field).toBe('body.properties.k\u0000');
    expect(await count('event')).toBe(before);
  });

  it("answers dates PostgreSQL cannot hold (JavaScript's earliest day) with 400 naming the parameter", async () => {
    for (const url of ['/api/events?since=-271821-04-20', '/api/events/on-time?since=-271821-04-20', '/api/events?until=275760-09-13', '/api/areas/GA001?at=-271821-04-20']) {
      const res = await t.app.inject({ method: 'GET', url, headers: admin });
      expect([url, res.statusCode]).toEqual([url, 400]);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.json().details[0].field).toMatch(/^query\.(since|until|at)$/);
    }
    // A real date still works.
    expect((await t.app.inject({ method: 'GET', url: '/api/events?since=2020-01-01', headers: admin })).statusCode).toBe(200);
  });

  it('answers properties nested thousands deep with 422 naming JSON_MAX_DEPTH, writing nothing; shallow nesting is fine', async () => {
    const before = await count('place');
    const body = (props: string) => `{"kind":"shop","name":"x","lon":${territory.pointInA.lon},"lat":${territory.pointInA.lat},"properties":${props}}`;
    const deep = await t.app.inject({ method: 'POST', url: '/api/places', headers: { ...admin, 'content-type': 'application/json' }, payload: body(`{"p":${nested(6000)}}`) });
    expect(deep.statusCode).toBe(422);
    expect(deep.json()).toMatchObject({ code: 'TOO_COMPLEX', details: { limit: 'JSON_MAX_DEPTH', max: 32 } });
    expect(deep.json().details.field).toMatch(/^body\.properties\.p(\.a|\.0)+/);
    expect(await count('place')).toBe(before);
    const shallow = await t.app.inject({ method: 'POST', url: '/api/places', headers: { ...admin, 'content-type': 'application/json' }, payload: body(`{"p":${nested(20)}}`) });
    expect(shallow.statusCode).toBe(201);
  });
});
