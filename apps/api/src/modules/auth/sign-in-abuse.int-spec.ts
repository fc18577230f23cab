import { startTestApp, type TestApp } from '@test/support/app';
import { sqlRows } from '@test/support/db';
import { AuthService } from './auth.service';

/**
 * Issue #16 §4, sign-in: the per-address limit must not be dodged by rotating X-Forwarded-For, and
 * the lockout must neither tell which usernames exist nor let one address lock an account for all.
 */
describe('sign-in abuse: forwarded addresses, lockout by account and address', () => {
  let t: TestApp;
  let admin: { authorization: string };
  let victimId: number;
  const PROXY = '10.9.0.1';
  const login = (username: string, password: string, remoteAddress: string, forwardedFor?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress,
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
      payload: { username, password },
    });

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: PROXY, RATE_LIMIT_LOGIN_PER_MINUTE: '6', LOGIN_LOCK_AFTER_FAILURES: '3', LOGIN_LOCK_BASE_SECONDS: '100' });
    admin = await t.admin();
    const res = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username: 'victim', password: 'victim-password-1', roles: ['operator'], jurisdiction: '*' } });
    expect(res.statusCode).toBe(201);
    victimId = res.json().id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts a client that rotates X-Forwarded-For by its own address (no TRUST_PROXY match)', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await login(`nobody${i}`, 'x', '198.51.100.7', `203.0.113.${i}`)).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
  });

  it('believes X-Forwarded-For from a configured proxy: each client behind it has its own budget', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await login(`someone${i}`, 'x', PROXY, `192.0.2.${i}`)).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 401, 401, 401]);
  });

  it('answers a lockout the same way whether or not the account exists', async () => {
    const after = async (username: string, address: string) => {
      for (let i = 0; i < 3; i++) await login(username, 'wrong-password', address);
      return login(username, 'wrong-password', address);
    };
    const known = await after('victim', '198.51.100.20');
    const unknown = await after('no_such_user', '198.51.100.21');
    expect([known.statusCode, unknown.statusCode]).toEqual([423, 423]);
    expect(known.json().code).toBe('ACCOUNT_LOCKED');
    const shape = (b: { code: string; message: string; details: object }) => ({ code: b.code, message: b.message, details: Object.keys(b.details) });
    expect(shape(unknown.json())).toEqual(shape(known.json()));
  });

  it('locks only the address that guessed: the owner signs in from elsewhere; the admin can unlock', async () => {
    // 198.51.100.20 locked victim in the test above.
    expect((await login('victim', 'victim-password-1', '198.51.100.20')).statusCode).toBe(423);
    expect((await login('victim', 'victim-password-1', '198.51.100.30')).statusCode).toBe(200);
    const unlocked = await t.app.inject({ method: 'POST', url: `/api/users/${victimId}/unlock`, headers: admin });
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json()).toEqual({ unlocked: 1 });
    expect((await login('victim', 'victim-password-1', '198.51.100.20')).statusCode).toBe(200);
    const [audit] = await sqlRows(t.url, `SELECT action, entity, entity_id FROM audit_log WHERE action = 'unlock'`);
    expect(audit).toMatchObject({ entity: 'app_user', entity_id: String(victimId) });
    expect((await t.app.inject({ method: 'POST', url: '/api/users/999999/unlock', headers: admin })).statusCode).toBe(404);
  });

  it('doubles the lock each time the same address locks the same account again (backoff)', async () => {
    const lockFor = async () => {
      for (let i = 0; i < 2; i++) await login('victim', 'wrong-password', '198.51.100.40');
      const res = await login('victim', 'wrong-password', '198.51.100.40');
      expect(res.statusCode).toBe(423);
      return (new Date(res.json().details.lockedUntil).getTime() - Date.now()) / 1000;
    };
    const first = await lockFor();
    // Let the first lock run out (as if 100 s had passed), then lock again.
    await sqlRows(t.url, `UPDATE login_lock SET locked_until = now() - interval '1 second' WHERE username = 'victim' AND address = '198.51.100.40'`);
    const second = await lockFor();
    expect(Math.round(first / 10)).toBe(10); // ~100 s
    expect(Math.round(second / 10)).toBe(20); // ~200 s
  });

  it('forgets failures that no longer count (lock over and a quiet day) and keeps the rest', async () => {
    for (const [address, failure, lockedUntil] of [
      ['192.0.2.1', "now() - interval '2 days'", 'NULL'], // failures a quiet day ago, never locked: forgotten
      ['192.0.2.2', "now() - interval '2 days'", "now() - interval '1 day'"], // a lock that ran out a day ago: forgotten
      ['192.0.2.3', "now() - interval '2 days'", "now() + interval '1 hour'"], // still locked: kept
      ['192.0.2.4', "now() - interval '1 hour'", 'NULL'], // recent failures: kept (they count toward the next lock)
    ]) {
      await sqlRows(t.url, `INSERT INTO login_lock (username, address, failures, locks, locked_until, last_failure_at) VALUES ('ghost', $1, 2, 1, ${lockedUntil}, ${failure})`, [address]);
    }
    expect(await t.app.get(AuthService).purgeStaleLocks()).toBeGreaterThanOrEqual(2);
    const left: { address: string }[] = await sqlRows(t.url, `SELECT address FROM login_lock WHERE username = 'ghost' ORDER BY address`);
    expect(left.map((r) => r.address)).toEqual(['192.0.2.3', '192.0.2.4']);
  });
});
