/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { png } from './support/png';
import { startServer, REPO_ROOT, type ServerProcess } from './support/server-process';

/**
 * Issue 20 in Chromium against the built app with the Nanjing demo (simulator off): the demo grid
 * worker on a phone-sized page (360x800) goes offline, reports a case with a photo and logs a
 * visit, comes back online (the first answer to the report is lost on the way, so the phone sends
 * it again with the same Idempotency-Key), and exactly one case and one visit exist. The worker
 * starts a patrol; an operator's wall in another page shows the worker on patrol. The operator
 * dispatches a case to the suggested worker and the worker's app shows it dispatched without reload.
 * Screenshots (360x800 and the wall at 1920x1080) land in test-artifacts/ to be looked at.
 */
const ARTIFACTS = resolve(REPO_ROOT, 'test-artifacts');
const PHONE = { width: 360, height: 800 };
const WALL = { width: 1920, height: 1080 };
const OPERATOR = { username: 'demo_operator', password: 'demo-operator-2025' };
const WORKER = { username: 'demo_gridworker', password: 'demo-gridworker-2025' };

let server: ServerProcess;
let browser: Browser;

async function login(who: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function call<T = any>(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(server.url + path, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

async function open(context: BrowserContext, who: { username: string; password: string }): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(server.url + '/');
  await page.click(`.demo-accounts button[data-username=${who.username}]`);
  await page.click('button[type=submit]');
  await page.waitForSelector('.top-bar [data-testid=sign-out]');
  return { page, problems };
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer({ env: { DEMO: 'on', SIMULATOR: 'off' }, healthTimeoutMs: 180_000 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('offline report and visit arrive once; a patrol shows on the wall; a dispatch reaches the phone without reload', async () => {
  const op = await login(OPERATOR);
  const wt = await login(WORKER);
  const me = (await call<{ id: number; jurisdiction: string }>(wt, 'GET', '/api/auth/me')).body;
  const place = (await call<{ items: { id: number; location: { lon: number; lat: number } }[] }>(wt, 'GET', `/api/places?area=${me.jurisdiction}&limit=1`)).body.items[0];
  const household = (await call<{ items: { householdNo: string }[] }>(wt, 'GET', `/api/households?area=${me.jurisdiction}&limit=1`)).body.items[0];
  expect(place && household).toBeTruthy();
  const at = place.location;

  // The phone: 360x800, GPS at the place.
  // Service workers blocked on this phone: Chromium lets a page's route see only requests that no
  // service worker handles, and the lost answer below is made by a route. The installed app (with
  // its service worker) is tried on a phone of its own at the end.
  const phoneCtx = await browser.newContext({
    viewport: PHONE,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    geolocation: { longitude: at.lon, latitude: at.lat, accuracy: 10 },
    permissions: ['geolocation'],
    isMobile: true,
    hasTouch: true,
    serviceWorkers: 'block',
  });
  const phone = await open(phoneCtx, WORKER);
  await phone.page.waitForURL(/\/field$/);
  await phone.page.waitForSelector('[data-testid=field-screen]');
  await phone.page.waitForSelector('[data-testid=connection][data-status=online]', { timeout: 30000 });

  // Offline: a report with a photo, then a household visit; both wait on the phone.
  await phoneCtx.setOffline(true);
  await phone.page.waitForSelector('[data-testid=field-online]:has-text("离线")');
  const title = `井盖松动 ${Date.now()}`;
  await phone.page.click('[data-tab=report]');
  await phone.page.selectOption('[data-testid=report-category]', 'manhole_cover_missing');
  await phone.page.fill('[data-testid=report-description]', title);
  await phone.page.setInputFiles('[data-testid=report-photo]', { name: 'photo.png', mimeType: 'image/png', buffer: png(64, 48) });
  await phone.page.click('[data-testid=report-submit]');
  await phone.page.click('[data-tab=visit]');
  await phone.page.fill('[data-testid=visit-household]', household.householdNo);
  await phone.page.check('.field-tags input[type=checkbox] >> nth=1');
  await phone.page.fill('[data-testid=visit-notes]', '离线走访：家中老人身体尚可');
  await phone.page.click('[data-testid=visit-submit]');
  await phone.page.waitForSelector('[data-testid=field-waiting][data-count="2"]');
  await phone.page.screenshot({ path: resolve(ARTIFACTS, 'field-offline-waiting-360.png') });
  const visitsBefore = (await call<{ visits: unknown[] }>(op, 'GET', `/api/visits?householdNo=${household.householdNo}`)).body.visits.length;

  // Back online; the first answer to the report is lost on the way (the API did write it): the phone sends it again.
  let lost = 0;
  await phone.page.route('**/api/events', async (route) => {
    if (route.request().method() === 'POST' && lost === 0) {
      lost++;
      await route.fetch();
      await route.abort('connectionreset');
    } else await route.continue();
  });
  await phoneCtx.setOffline(false);
  await phone.page.waitForSelector('[data-testid=field-waiting][data-count="0"]', { timeout: 60000 });
  expect(lost).toBe(1);
  const cases = (await call<{ events: { id: number; title: string }[] }>(op, 'GET', `/api/events?area=${me.jurisdiction}&limit=200`)).body.events.filter((e) => e.title === title);
  expect(cases).toHaveLength(1);
  const detail = (await call<any>(op, 'GET', `/api/events/${cases[0].id}`)).body;
  expect(JSON.stringify(detail.timeline)).toContain('/api/attachments/');
  const visits = (await call<{ visits: { workerId: number; notes: string }[] }>(op, 'GET', `/api/visits?householdNo=${household.householdNo}`)).body.visits;
  expect(visits.length).toBe(visitsBefore + 1);
  expect(visits.filter((v) => v.notes === '离线走访：家中老人身体尚可')).toHaveLength(1);

  // Patrol: start; the wall of an operator (another page) shows the worker on patrol.
  const wallCtx = await browser.newContext({ viewport: WALL, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const wall = await open(wallCtx, OPERATOR);
  await wall.page.goto(server.url + '/');
  await wall.page.waitForSelector('[data-testid=connection][data-status=online]', { timeout: 30000 });
  await phone.page.click('[data-tab=patrol]');
  await phone.page.click('[data-testid=patrol-toggle]');
  await phone.page.waitForSelector('[data-testid=patrol-running]');
  await wall.page.waitForSelector('[data-testid=workers-legend] [data-state=on_patrol]:not([data-count="0"])', { timeout: 30000 });
  const onPatrol = (await call<{ workers: { workerId: number; state: string }[] }>(op, 'GET', '/api/field/positions/latest')).body.workers.find((w) => w.workerId === me.id);
  expect(onPatrol?.state).toBe('on_patrol');
  await phone.page.screenshot({ path: resolve(ARTIFACTS, 'field-patrol-360.png') });

  // A case near the worker, accepted and registered; the operator dispatches it to the suggested worker on the console.
  const created = await call<{ id: number }>(op, 'POST', '/api/events', { title: `路灯不亮 ${Date.now()}`, category: 'exposed_rubbish', lon: at.lon + 0.0003, lat: at.lat });
  expect(created.status).toBe(201);
  const id = created.body.id;
  for (const action of ['accept', 'register']) expect((await call(op, 'POST', `/api/events/${id}/transitions`, { action })).status).toBe(200);
  await phone.page.click('[data-tab=tasks]');
  await phone.page.waitForSelector(`[data-testid=field-tasks] li[data-event-id="${id}"]`, { timeout: 30000 });
  await wall.page.goto(server.url + '/console');
  await wall.page.waitForSelector(`[data-testid=queue] .queue-row[data-event-id="${id}"]`, { timeout: 60000 });
  await wall.page.click(`[data-testid=queue] .queue-row[data-event-id="${id}"]`);
  await wall.page.click('[data-testid=actions] button[data-action=dispatch]');
  const first = await wall.page.waitForSelector('[data-testid=worker-suggestions] label[data-worker-id]', { timeout: 15000 });
  expect(Number(await first.getAttribute('data-worker-id'))).toBe(me.id);
  await first.click();
  await wall.page.screenshot({ path: resolve(ARTIFACTS, 'field-dispatch-suggestions-1920.png') });
  await wall.page.click('[data-testid=form-dispatch] button[type=submit]');
  await phone.page.waitForSelector(`[data-testid=field-tasks] li[data-event-id="${id}"]:has-text("派遣")`, { timeout: 30000 });
  const after = (await call<any>(op, 'GET', `/api/events/${id}`)).body;
  expect(after.assignee).toMatchObject({ userId: me.id });
  await phone.page.screenshot({ path: resolve(ARTIFACTS, 'field-tasks-360.png') });
  await wall.page.goto(server.url + '/');
  await wall.page.waitForSelector('[data-testid=workers-legend] [data-state=on_task]:not([data-count="0"]), [data-testid=workers-legend] [data-state=on_patrol]:not([data-count="0"])', { timeout: 30000 });
  // A click on the worker's point: their card, their patrol's track drawn and the map fitted to it.
  // (first brought to the middle of the wall at zoom 12, away from the side panels)
  await wall.page.waitForFunction(() => (window as unknown as { __wallmap?: any }).__wallmap?.loaded());
  await wall.page.evaluate((c) => (window as unknown as { __wallmap: any }).__wallmap.jumpTo({ center: [c.lon, c.lat], zoom: 12 }), at);
  const point = await wall.page.waitForFunction(
    (id) => {
      const map = (window as unknown as { __wallmap?: any }).__wallmap;
      if (!map || !map.loaded()) return null;
      const f = map.queryRenderedFeatures({ layers: ['worker-points'] }).find((x: any) => x.properties.id === id);
      if (!f) return null;
      const p = map.project(f.geometry.coordinates);
      return { x: p.x, y: p.y };
    },
    me.id,
    { timeout: 30000 },
  );
  const at2 = (await point.jsonValue()) as { x: number; y: number };
  const zoomBefore = await wall.page.evaluate(() => (window as unknown as { __wallmap: any }).__wallmap.getZoom());
  await wall.page.mouse.click(at2.x, at2.y);
  await wall.page.waitForSelector('[data-testid=worker-card] [data-testid=worker-track]', { timeout: 30000 });
  await wall.page.waitForFunction(
    async (z) => {
      const map = (window as unknown as { __wallmap: any }).__wallmap;
      if (map.isMoving() || map.getZoom() < z + 1) return false;
      const track = await map.getSource('worker-track').getData();
      return !!track?.geometry;
    },
    zoomBefore,
    { timeout: 30000 },
  );
  await wall.page.screenshot({ path: resolve(ARTIFACTS, 'field-wall-workers-1920.png') });

  // The supervisor's view of patrols (an operator may open it too): the worker's patrol time, in the 巡查 tab.
  await wall.page.setViewportSize({ width: 1366, height: 768 });
  await wall.page.goto(server.url + '/supervision');
  await wall.page.click('[data-testid=sv-tab-patrols]');
  await wall.page.waitForSelector(`[data-testid=sv-patrols-worker] tr[data-key="${me.id}"]`, { timeout: 30000 });
  await wall.page.waitForSelector('[data-testid=sv-patrols-grid] tbody tr[data-key]');
  await wall.page.screenshot({ path: resolve(ARTIFACTS, 'field-supervision-patrols-1366.png') });
  expect(phone.problems).toEqual([]);
  expect(wall.problems).toEqual([]);
}, 300_000);

test('the installed app: a manifest in Chinese with PNG icons, a service worker that keeps the shell, /field reloads offline with its code tables', async () => {
  const manifest = (await (await fetch(`${server.url}/manifest.webmanifest`)).json()) as { name: string; start_url: string; icons: { src: string; type: string }[] };
  expect(manifest.name).toContain('网格');
  expect(manifest.start_url).toBe('/field');
  for (const icon of manifest.icons) {
    const res = await fetch(server.url + icon.src);
    expect([res.status, res.headers.get('content-type'), icon.type]).toEqual([200, 'image/png', 'image/png']);
  }
  const ctx = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', isMobile: true, hasTouch: true });
  const phone = await open(ctx, WORKER);
  await phone.page.waitForURL(/\/field$/);
  await phone.page.waitForSelector('[data-testid=field-screen]');
  // the worker is installed, has kept the shell and controls the page
  await phone.page.waitForFunction(() => navigator.serviceWorker?.controller?.state === 'activated', undefined, { timeout: 60000 });
  await phone.page.click('[data-tab=report]');
  await phone.page.waitForSelector('[data-testid=report-category] option:nth-child(3)', { state: 'attached' });
  // no API answer is ever kept by the service worker
  const cached = await phone.page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
    return urls;
  });
  expect(cached).toContain('/index.html');
  expect(cached.filter((u) => u.startsWith('/api/') || u.startsWith('/socket.io'))).toEqual([]);

  await ctx.setOffline(true);
  await phone.page.reload();
  await phone.page.waitForSelector('[data-testid=field-screen]', { timeout: 30000 });
  await phone.page.waitForSelector('[data-testid=field-online]:has-text("离线")');
  await phone.page.click('[data-tab=report]');
  // the categories come from the copy kept on the phone: names, not codes
  await phone.page.waitForSelector('[data-testid=report-category] option:nth-child(3)', { state: 'attached', timeout: 30000 });
  const names = await phone.page.$$eval('[data-testid=report-category] option', (os) => os.map((o) => o.textContent ?? ''));
  expect(names.length).toBeGreaterThan(2);
  expect(names.some((n) => /[\u4e00-\u9fff]/.test(n))).toBe(true);
  await phone.page.screenshot({ path: resolve(ARTIFACTS, 'field-offline-reload-360.png') });
  await ctx.setOffline(false);
  expect(phone.problems).toEqual([]);
  await ctx.close();
}, 180_000);
