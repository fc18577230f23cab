/// <reference lib="dom" />
// The wall's live socket across the life of its session, in Debian's Chromium against the built app
// (node dist/api/apps/api/src/main.js serving dist/wallmap). Needs `node scripts/build.mjs`.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signInToWall, TEST_ADMIN } from './support/browser';
import { startServer, REPO_ROOT, type ServerProcess } from './support/server-process';

const ARTIFACTS = resolve(REPO_ROOT, 'test-artifacts');
/** The shortest access-token lifetime the API accepts: the socket ends with it. */
const TTL_S = 30;

let server: ServerProcess;
let browser: Browser;
let token: string;

async function call<T = any>(method: string, path: string, body?: unknown, bearer = token): Promise<{ status: number; body: T }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

const signIn = (page: Page) => signInToWall(page, server.url);

/** Post an event (no location: it waits for an operator) and wait for it in the wall's live feed. */
async function seenLive(page: Page, title: string) {
  token = (await call<{ accessToken: string }>('POST', '/api/auth/login', TEST_ADMIN, '')).body.accessToken; // ours expire as fast as the wall's
  const e = await call<{ id: number }>('POST', '/api/events', { title, category: 'exposed_rubbish' });
  expect(e.status).toBe(201);
  await page.waitForSelector(`[data-testid=feed] li[data-event-id="${e.body.id}"]`, { timeout: 10000 });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The API's own limit on sign-ins and refreshes per address (20 a minute), not the test servers' raised one:
  // the wall must live within it.
  server = await startServer({ env: { ACCESS_TOKEN_TTL_SECONDS: String(TTL_S), RATE_LIMIT_LOGIN_PER_MINUTE: '20' } });
  token = (await call<{ accessToken: string }>('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('the socket outlives its access token: the server ends it at expiry and the wall reconnects with a refreshed one', async () => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })).newPage();
  await signIn(page);
  const first = await page.evaluate(() => JSON.parse(sessionStorage.getItem('gc.session')!).accessToken as string);
  await seenLive(page, '会话开始');
  // Past the first token's expiry: the server has closed that socket (the wall refreshed its token before, but the socket was opened with the old one).
  const expiredAt = JSON.parse(Buffer.from(first.split('.')[1], 'base64url').toString()).exp * 1000;
  await new Promise((r) => setTimeout(r, Math.max(0, expiredAt - Date.now()) + 1500));
  expect(await call('GET', '/api/auth/me', undefined, first)).toMatchObject({ status: 401 });
  await page.waitForSelector('[data-testid=connection][data-status=online]', { timeout: 15000 });
  await seenLive(page, '令牌过期之后');
  await page.close();
}, 90000);

test('the session outlives several access-token lifetimes: its refreshes are spaced and every one is answered', async () => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })).newPage();
  // Every refresh the wall makes, with its answer. Refreshing every second (a short lifetime read as
  // "a minute before expiry") ran into the API's per-address limit: 429s, then the session ended.
  const refreshes: number[] = [];
  page.on('response', (r) => {
    if (r.url().endsWith('/api/auth/refresh')) refreshes.push(r.status());
  });
  await signIn(page);
  const started = Date.now();
  await new Promise((r) => setTimeout(r, 3 * TTL_S * 1000 + 2000));
  const elapsed = Date.now() - started;
  expect(await page.$('input[name=username]')).toBeNull(); // still signed in
  await page.waitForSelector('[data-testid=connection][data-status=online]', { timeout: 15000 });
  await seenLive(page, '三个令牌之后');
  expect(refreshes.length).toBeGreaterThanOrEqual(3); // it did renew, once per lifetime…
  expect(refreshes.filter((s) => s !== 200)).toEqual([]); // …and none was refused or rate-limited
  // …at most one per 80% of a lifetime (the socket's reconnects at expiry reuse the timer's fresh token)
  expect(refreshes.length).toBeLessThanOrEqual(Math.ceil(elapsed / (0.8 * TTL_S * 1000)) + 1);
  await page.close();
}, 150000);

test('signing the session out elsewhere closes the wall’s socket and brings back the sign-in screen; signing out on the wall ends the session on the server', async () => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })).newPage();
  await signIn(page);
  const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem('gc.session')!) as { accessToken: string; refreshToken: string });
  expect((await call('POST', '/api/auth/logout', undefined, session.accessToken)).status).toBe(204);
  await page.waitForSelector('input[name=username]', { timeout: 10000 });
  // the sign-in screen says why the wall is back
  expect(await page.textContent('.signin-card [role=status]')).toContain('会话已结束');
  await page.screenshot({ path: resolve(ARTIFACTS, 'wallmap-signed-out-elsewhere.png') });
  expect(await page.evaluate(() => sessionStorage.getItem('gc.session'))).toBeNull();

  // the wall's own sign-out button revokes the refresh token on the server
  await signIn(page);
  const again = await page.evaluate(() => JSON.parse(sessionStorage.getItem('gc.session')!) as { accessToken: string; refreshToken: string });
  await page.click('[data-testid=sign-out]');
  await page.waitForSelector('input[name=username]', { timeout: 10000 });
  expect(await page.textContent('.signin-card [role=status]')).toBe('您已退出登录。');
  await page.screenshot({ path: resolve(ARTIFACTS, 'wallmap-signed-out-here.png') });
  // the logout request is sent as the sign-in screen comes back: give it a moment
  let refreshed = 0;
  for (let i = 0; i < 50 && refreshed !== 401; i++) {
    await new Promise((r) => setTimeout(r, 100));
    refreshed = (await call('POST', '/api/auth/refresh', { refreshToken: again.refreshToken }, '')).status;
  }
  expect(refreshed).toBe(401);
  await page.close();
}, 60000);
