import { startTestApp, type TestApp, ADMIN } from '@test/support/app';

describe('foundation: health, error shape, auth basics (real PostGIS)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports database, PostGIS and migrations as healthy', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('ok');
    expect(body.database.ok).toBe(true);
    expect(body.postgis.ok).toBe(true);
    expect(body.postgis.version).toMatch(/^3\./);
    expect(body.migrations).toEqual(expect.objectContaining({ ok: true, pending: [] }));
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a sane caller request id and answers unknown routes in the one error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/no-such-thing', headers: { 'x-request-id': 'req-12345678' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-request-id']).toBe('req-12345678');
    expect(res.json()).toEqual({ code: 'ROUTE_NOT_FOUND', message: expect.stringContaining('/api/no-such-thing'), details: null });
  });

  it('sends the security headers on every answer, errors included', async () => {
    for (const url of ['/api/health', '/api/no-such-thing', '/']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("connect-src 'self' ws: wss:");
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('serves the OpenAPI document with the login route and its body schema', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.paths['/api/auth/login'].post.requestBody.content['application/json'].schema.required).toEqual(['username', 'password']);
  });

  it('rejects bad login input naming the field, unknown fields, broken JSON and wrong passwords', async () => {
    const missing = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'body.password' })] });
    const extra = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x', password: 'y', admin: true } });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().message).toContain('admin');
    const broken = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().code).toBe('BAD_REQUEST');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: ADMIN.username, password: 'nope-nope-nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
  });

  it('requires a token for protected routes and a permission for admin routes', async () => {
    const anon = await t.app.inject({ method: 'GET', url: '/api/users' });
    expect(anon.statusCode).toBe(401);
    expect(anon.json().code).toBe('UNAUTHENTICATED');
    const admin = await t.admin();
    const ok = await t.app.inject({ method: 'GET', url: '/api/users', headers: admin });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().users.map((u: { username: string }) => u.username)).toContain(ADMIN.username);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { username: 'auditor1', password: 'auditor-password-1', roles: ['auditor'], jurisdiction: '*' },
    });
    expect(created.statusCode).toBe(201);
    const auditor = await t.login('auditor1', 'auditor-password-1');
    const denied = await t.app.inject({ method: 'GET', url: '/api/users', headers: auditor });
    expect(denied.statusCode).toBe(403);
    const audit = await t.app.inject({ method: 'GET', url: '/api/audit?entity=user', headers: auditor });
    expect(audit.statusCode).toBe(200);
    const entry = audit.json().entries.find((e: { entityId: string }) => e.entityId === String(created.json().id));
    expect(entry).toMatchObject({ action: 'create', actorName: ADMIN.username });
    expect(JSON.stringify(entry)).not.toContain('auditor-password-1');
  });

  it('rotates refresh tokens, revokes the family on reuse, and logout ends the session', async () => {
    const first = (await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN })).json();
    const second = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: first.refreshToken } });
    expect(second.statusCode).toBe(200);
    const reuse = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: first.refreshToken } });
    expect(reuse.statusCode).toBe(401);
    const after = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: second.json().refreshToken } });
    expect(after.statusCode).toBe(401);
    const s = (await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN })).json();
    const h = { authorization: `Bearer ${s.accessToken}` };
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: h })).statusCode).toBe(204);
    const dead = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: h });
    expect(dead.statusCode).toBe(401);
  });

  it('locks an account after repeated failures', async () => {
    const admin = await t.admin();
    await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username: 'victim', password: 'victim-password-1', roles: ['operator'], jurisdiction: '*' } });
    for (let i = 0; i < 5; i++) await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'victim', password: 'wrong-password' } });
    const locked = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'victim', password: 'victim-password-1' } });
    expect(locked.statusCode).toBe(423);
    expect(locked.json().code).toBe('ACCOUNT_LOCKED');
  });
});
