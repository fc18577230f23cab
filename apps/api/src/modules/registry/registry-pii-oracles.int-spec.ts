import type { Client } from 'pg';
import { residentIdCheckChar } from '@gc/contracts';
import { startTestApp, type TestApp } from '@test/support/app';
import { sqlClient } from '@test/support/db';
import { twoGridTerritory } from '@test/support/factories';
import { multipart } from '@test/support/multipart';

type H = { authorization: string };
const id = (first17: string) => first17 + residentIdCheckChar(first17);

/**
 * Issue 16 §2: masked personal data must not be recoverable. A masked view carries no field that
 * undoes the mask; exact-match lookup by ID or phone number needs pii:lookup and a purpose, is
 * audited and budgeted per account; a duplicate ID number outside the caller's jurisdiction is
 * not confirmed to them.
 */
describe('personal data: no way back from the mask (real PostGIS)', () => {
  const LOOKUPS = 4;
  let t: TestApp;
  let db: Client;
  let admin: H;
  let workerA: H;
  let workerB: H;
  let operator: H;
  let terr: Awaited<ReturnType<typeof twoGridTerritory>>;
  const idB = id('32010419850301059');
  const phoneB = '19912349076';
  const user = async (username: string, roles: string[], jurisdiction: string) => {
    const r = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username, password: `${username}-password-1`, roles, jurisdiction } });
    expect(r.statusCode).toBe(201);
    return t.login(username, `${username}-password-1`);
  };
  const get = (url: string, headers: H) => t.app.inject({ method: 'GET', url, headers });
  const post = (url: string, headers: H, payload: object) => t.app.inject({ method: 'POST', url, headers, payload });
  const auditOf = async (action: string) => (await db.query(`SELECT actor_name, entity_id, before, after, purpose FROM audit_log WHERE action = $1 ORDER BY id`, [action])).rows;

  beforeAll(async () => {
    t = await startTestApp({ PII_LOOKUPS_PER_HOUR: String(LOOKUPS) });
    db = await sqlClient(t.url);
    terr = await twoGridTerritory(db);
    admin = await t.admin();
    workerA = await user('pii_gw_a', ['grid_worker'], 'GA001');
    workerB = await user('pii_gw_b', ['grid_worker'], 'GB002');
    operator = await user('pii_op', ['operator'], '*');
    const r = await post('/api/people', admin, { name: '乙某', idNumber: idB, phone: phoneB, ...terr.pointInB });
    expect(r.statusCode).toBe(201);
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  it('shows a masked person with the birth year only, the date only unmasked', async () => {
    const [p] = (await get('/api/people', workerB)).json().items;
    expect(p).toMatchObject({ idNumber: idB.slice(0, 4) + '*'.repeat(10) + idB.slice(-4), masked: true, birthDate: '1985-**-**', phone: '199****9076' });
    expect(JSON.stringify(p)).not.toContain('1985-03-01');
    // with pii:unmask and a stated purpose (audited), the date in clear
    const clear = (await get(`/api/people/${p.id}?unmask=true&purpose=${encodeURIComponent('核对身份')}`, admin)).json();
    expect(clear).toMatchObject({ idNumber: idB, birthDate: '1985-03-01', masked: false });
  });

  it('finds people by ID or phone number only with pii:lookup and a purpose, audited, within a budget per account', async () => {
    // no permission (the command centre's operator): 403; no purpose: 400; nothing audited for either
    expect((await get(`/api/people?idNumber=${idB}&purpose=${encodeURIComponent('来电核实')}`, operator)).statusCode).toBe(403);
    const noPurpose = await get(`/api/people?idNumber=${idB}`, workerB);
    expect(noPurpose.statusCode).toBe(400);
    expect(noPurpose.json().details[0].field).toBe('query.purpose');
    expect((await get(`/api/people?phone=${phoneB}`, workerB)).statusCode).toBe(400);
    expect(await auditOf('lookup_pii')).toEqual([]);

    const purpose = encodeURIComponent('入户走访核对');
    const hit = await get(`/api/people?idNumber=${idB}&purpose=${purpose}`, workerB);
    expect(hit.statusCode).toBe(200);
    expect(hit.json().items).toHaveLength(1);
    // a miss is an answer too: audited
    expect((await get(`/api/people?phone=19912349077&purpose=${purpose}`, workerB)).json().items).toEqual([]);
    const audited = await auditOf('lookup_pii');
    expect(audited).toEqual([
      { actor_name: 'pii_gw_b', entity_id: String(hit.json().items[0].id), before: null, after: { by: 'idNumber', matched: [hit.json().items[0].id] }, purpose: '入户走访核对' },
      { actor_name: 'pii_gw_b', entity_id: null, before: null, after: { by: 'phone', matched: [] }, purpose: '入户走访核对' },
    ]);
    expect(JSON.stringify(audited)).not.toMatch(new RegExp(`${idB}|${phoneB}|19912349077`));
    // the budget: LOOKUPS an hour per account, then 429 (another account keeps its own)
    for (let i = audited.length; i < LOOKUPS; i++) expect((await get(`/api/people?phone=1991234${9100 + i}&purpose=${purpose}`, workerB)).statusCode).toBe(200);
    const over = await get(`/api/people?phone=19912349999&purpose=${purpose}`, workerB);
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ code: 'RATE_LIMITED', details: { limit: LOOKUPS } });
    expect((await get(`/api/people?idNumber=${idB}&purpose=${purpose}`, workerA)).statusCode).toBe(200);
    // listing without an exact number is not a lookup
    expect((await get('/api/people', workerB)).statusCode).toBe(200);
  });

  it('registers an ID number held outside the caller’s jurisdiction like a new one, and reports the duplicate for review', async () => {
    const fresh = await post('/api/people', workerA, { name: '甲某', idNumber: id('32010419900101123'), ...terr.pointInA });
    expect(fresh.statusCode).toBe(201);
    // held in grid B: grid A's worker gets the same answer as for a number nobody holds
    const dup = await post('/api/people', workerA, { name: '乙某', idNumber: idB, ...terr.pointInA });
    expect(dup.statusCode).toBe(201);
    expect(Object.keys(dup.json()).sort()).toEqual(Object.keys(fresh.json()).sort());
    const [report] = await auditOf('duplicate_id_number');
    expect(report).toMatchObject({ actor_name: 'pii_gw_a', entity_id: String(dup.json().id), after: { samePersonAs: [expect.any(Number)] } });
    // inside one's own view a duplicate is still refused
    const again = await post('/api/people', workerB, { name: '乙某', idNumber: idB, ...terr.pointInB });
    expect(again.statusCode).toBe(409);

    // an import row: the same rule, nothing in the answer tells the two apart
    const idB2 = id('32010419750505045');
    expect((await post('/api/people', admin, { name: '戊某', idNumber: idB2, ...terr.pointInB })).statusCode).toBe(201);
    const csv = [
      'externalId,name,idNumber,registration,lon,lat',
      `IMP1,丙某,${id('32010419910202234')},registered,${terr.pointInA.lon},${terr.pointInA.lat}`,
      `IMP2,丁某,${idB2},registered,${terr.pointInA.lon},${terr.pointInA.lat}`,
    ];
    const m = multipart('people.csv', 'text/csv', Buffer.from(csv.join('\n')));
    const imp = await t.app.inject({ method: 'POST', url: '/api/people/import', headers: { ...workerA, ...m.headers }, payload: m.payload });
    expect(imp.statusCode).toBe(200);
    expect(imp.json()).toMatchObject({ inserted: 2, rejected: 0, errors: [], committed: true });
    expect((await auditOf('duplicate_id_number')).map((r) => r.after)).toContainEqual({ externalIds: ['IMP2'] });
  });
});
