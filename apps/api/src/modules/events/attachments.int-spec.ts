import { startTestApp, type TestApp } from '@test/support/app';
import { insertEventTerritory, sql } from '@test/support/event-territory';
import { multipart } from '@test/support/multipart';
import { png } from '@test/support/png';

type H = { authorization: string };

describe('attachments: field photos cited by events (real PostGIS)', () => {
  let t: TestApp;
  let admin: H;
  let worker1: H;
  let worker2: H;
  let analyst: H;
  const west = { lon: 118.72, lat: 32.02 }; // grid EG1
  const user = async (username: string, roles: string[], jurisdiction: string) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username, password: `${username}-password-1`, roles, jurisdiction } });
    expect(res.statusCode).toBe(201);
    return t.login(username, `${username}-password-1`);
  };
  const upload = (headers: H, filename: string, type: string, data: Buffer) => {
    const m = multipart(filename, type, data);
    return t.app.inject({ method: 'POST', url: '/api/attachments', headers: { ...headers, ...m.headers }, payload: m.payload });
  };
  const attachmentCount = async () => Number((await sql<{ n: string }>(t.url, 'SELECT count(*) AS n FROM attachment'))[0].n);

  beforeAll(async () => {
    t = await startTestApp();
    await insertEventTerritory(t.url);
    admin = await t.admin();
    worker1 = await user('att_gw1', ['grid_worker'], 'EG1');
    worker2 = await user('att_gw2', ['grid_worker'], 'EG2');
    analyst = await user('att_an', ['analyst'], '*');
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores a photo, lets a report cite it, and serves it to those who may see that report', async () => {
    const photo = png();
    const up = await upload(worker1, '井盖 现场.png', 'image/png', photo);
    expect(up.statusCode).toBe(201);
    const a = up.json();
    expect(a).toMatchObject({ contentType: 'image/png', size: photo.length, name: '井盖 现场.png', url: `/api/attachments/${a.id}` });
    // the uploader sees it before any case cites it; a worker of another grid does not
    const own = await t.app.inject({ method: 'GET', url: a.url, headers: worker1 });
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toBe('image/png');
    expect(own.rawPayload.equals(photo)).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: a.url, headers: worker2 })).statusCode).toBe(404);

    const report = await t.app.inject({
      method: 'POST',
      url: '/api/events',
      headers: worker1,
      payload: { title: '井盖缺失', category: 'manhole_cover_missing', ...west, attachments: [{ url: a.url, name: '现场照片', type: 'image/png' }] },
    });
    expect(report.statusCode).toBe(201);
    expect(report.json().timeline[0].attachments).toEqual([{ url: a.url, name: '现场照片', type: 'image/png' }]);
    // cited by a case in EG1: the command centre (whole territory) may read it; EG2's worker still may not
    expect((await t.app.inject({ method: 'GET', url: a.url, headers: admin })).rawPayload.equals(photo)).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: a.url, headers: worker2 })).statusCode).toBe(404);
    const audit = await sql(t.url, `SELECT action FROM audit_log WHERE entity = 'attachment' AND entity_id = $1`, [a.id]);
    expect(audit).toEqual([{ action: 'create' }]);
  });

  it('refuses what is not a photo or PDF, empty and oversized uploads, and writes nothing', async () => {
    const before = await attachmentCount();
    const html = await upload(worker1, 'photo.png', 'image/png', Buffer.from('<html><script>alert(1)</script></html>'));
    expect(html.statusCode).toBe(415);
    expect(html.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', details: [{ field: 'file' }] });
    expect((await upload(worker1, 'empty.jpg', 'image/jpeg', Buffer.alloc(0))).statusCode).toBe(400);
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(10 * 1024 * 1024)]);
    const tooBig = await upload(worker1, 'big.jpg', 'image/jpeg', big);
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().code).toBe('PAYLOAD_TOO_LARGE');
    const notMultipart = await t.app.inject({ method: 'POST', url: '/api/attachments', headers: { ...worker1, 'content-type': 'application/json' }, payload: { url: 'x' } });
    expect(notMultipart.statusCode).toBe(415);
    expect((await upload(analyst, 'a.png', 'image/png', png())).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/attachments/not-a-uuid', headers: admin })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/attachments/00000000-0000-4000-8000-000000000000', headers: admin })).statusCode).toBe(404);
    expect(await attachmentCount()).toBe(before);
    // an event may cite only http(s) links or our own attachment URLs
    const bad = await t.app.inject({ method: 'POST', url: '/api/events', headers: worker1, payload: { title: 'x', category: 'noise', ...west, attachments: [{ url: 'javascript:alert(1)' }] } });
    expect(bad.statusCode).toBe(400);
  });
});
