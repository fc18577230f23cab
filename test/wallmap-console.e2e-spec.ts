/// <reference lib="dom" />
// page.evaluate callbacks run in the browser: they need the DOM types the Node test tsconfig leaves out.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { startServer, REPO_ROOT, type ServerProcess } from './support/server-process';

/**
 * Issue 17, the role screens in Chromium against the built app with the Nanjing demo (simulator
 * off, so nothing but the test moves the cases): the demo operator takes a phone report through
 * the form (a duplicate is suggested and declined), finds it at the top of the queue, dispatches it
 * by department name and summons two departments; a second operator screen sees the board change
 * when one department reports in through the API, without reload. The department finds the case in
 * its inbox, the auditor finds its audit entries. Every screen's text is scanned for raw codes and
 * English; screenshots at 1920x1080 and 1366x768 land in test-artifacts/ to be looked at.
 */
const ARTIFACTS = resolve(REPO_ROOT, 'test-artifacts');
const WALL = { width: 1920, height: 1080 };
const LAPTOP = { width: 1366, height: 768 };
/** Latin words allowed in the Chinese UI: the language switch, a file format, map attribution. */
const LATIN_OK = new Set(['English', 'CSV', 'Natural', 'Earth', 'Noto', 'Sans', 'OFL', 'MapLibre']);

let server: ServerProcess;
let browser: Browser;

const OPERATOR = { username: 'demo_operator', password: 'demo-operator-2025' };
const DEPARTMENT = { username: 'demo_department', password: 'demo-department-2025' };
const AUDITOR = { username: 'demo_auditor', password: 'demo-auditor-2025' };

async function login(who: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function call<T = any>(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

interface Screen {
  page: Page;
  problems: string[];
}

async function open(who: { username: string; password: string }, viewport: { width: number; height: number }): Promise<Screen> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`http ${r.status()} ${r.url()}`));
  await page.goto(server.url + '/');
  await page.waitForSelector(`.demo-accounts button[data-username=${who.username}]`);
  await page.click(`.demo-accounts button[data-username=${who.username}]`);
  await page.click('button[type=submit]');
  await page.waitForSelector('.top-bar [data-testid=sign-out]');
  return { page, problems };
}

/** Raw codes (`city_management`) and English words in what the screen shows, the text of its controls included. */
async function untranslated(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => {
    const parts = [document.body.innerText];
    for (const el of Array.from(document.querySelectorAll('option, [title], input[placeholder], textarea[placeholder]'))) {
      parts.push(el.textContent ?? '', el.getAttribute('title') ?? '', el.getAttribute('placeholder') ?? '');
    }
    return parts.join('\n');
  });
  const codes = text.match(/[a-z]+_[a-z]+/g) ?? [];
  const latin = (text.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !LATIN_OK.has(w));
  return [...new Set([...codes, ...latin])];
}

async function shoot(page: Page, name: string) {
  for (const [size, vp] of [
    ['1920', WALL],
    ['1366', LAPTOP],
  ] as const) {
    await page.setViewportSize(vp);
    await page.waitForTimeout(400);
    await page.screenshot({ path: resolve(ARTIFACTS, `console-${name}-${size}.png`) });
  }
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

test('the operator takes a phone report, dispatches and summons by name; the board changes live; the department and the auditor find the case', async () => {
  const opToken = await login(OPERATOR);
  // a place of the registry in 夫子庙街道, and an open case of the same category right there (the duplicate to be suggested)
  const places = await call<{ items: { id: number; name: string; address: string | null; location: { lon: number; lat: number } }[] }>(opToken, 'GET', '/api/places?area=320104002&limit=20');
  const place = places.body.items.find((p) => p.name.length >= 3)!;
  expect(place).toBeDefined();
  const earlier = await call<{ id: number }>(opToken, 'POST', '/api/events', { title: '路边垃圾堆积（先前来电）', category: 'exposed_rubbish', ...place.location, source: 'hotline' });
  expect(earlier.status).toBe(201);

  // the operator lands on the console; a second operator screen (a laptop) watches
  const a = await open(OPERATOR, WALL);
  const b = await open(OPERATOR, LAPTOP);
  for (const s of [a, b]) {
    await s.page.waitForURL(/\/console$/);
    await s.page.waitForSelector('[data-testid=connection][data-status=online]', { timeout: 30000 });
    await s.page.waitForSelector('[data-testid=queue] .queue-row', { timeout: 60000 });
    // nothing a role cannot use: the operator's navigation has the wall and the console only
    expect(await s.page.$$eval('.app-nav a', (els) => els.map((e) => e.getAttribute('data-nav')))).toEqual(['/', '/console']);
    await s.page.selectOption('[data-testid=queue-sort]', 'newest');
  }
  // the queue's default order: overdue first, then the soonest deadline
  await a.page.selectOption('[data-testid=queue-sort]', 'due');
  const firstDue = await a.page.$$eval('[data-testid=queue-list] .queue-row', (rows) => rows.slice(0, 30).map((r) => r.classList.contains('overdue')));
  expect(firstDue.indexOf(false) === -1 || firstDue.slice(firstDue.indexOf(false)).every((o) => !o)).toBe(true);
  await a.page.selectOption('[data-testid=queue-sort]', 'newest');

  // the phone report
  await a.page.click('[data-testid=intake-open]');
  await a.page.fill('input[name=callerName]', '王建国');
  await a.page.fill('input[name=callerPhone]', '13912345678');
  await expect(a.page.textContent('[data-testid=caller-masked]')).resolves.toContain('王** 139****5678');
  await a.page.fill('input[name=placeSearch]', place.name);
  await a.page.click('[data-testid=place-search]');
  await a.page.click(`[data-testid=place-hits] button[data-place-id="${place.id}"]`);
  await a.page.selectOption('[data-testid=intake-category]', 'exposed_rubbish');
  await expect(a.page.textContent('[data-testid=intake-routing]')).resolves.toContain('城市管理局');
  await a.page.fill('textarea[name=description]', '来电反映：门口垃圾两天无人清运，气味很大。');
  // the earlier case is offered to merge into; saving waits until the operator decides
  await a.page.waitForSelector(`[data-testid=duplicates] li[data-event-id="${earlier.body.id}"]`, { timeout: 10000 });
  expect(await a.page.isDisabled('[data-testid=intake-save]')).toBe(true);
  await shoot(a.page, 'intake');
  await a.page.setViewportSize(WALL);
  await a.page.click('[data-testid=not-duplicate]');
  await a.page.click('[data-testid=intake-save]');
  const id = Number(await a.page.textContent('[data-testid=case-number]', { timeout: 10000 }));
  expect(id).toBeGreaterThan(earlier.body.id);
  const created = await call<{ state: string; source: string; reporter: { name: string; phone: string }; duplicateOf: number | null }>(opToken, 'GET', `/api/events/${id}`);
  expect(created.body).toMatchObject({ state: 'reported', source: 'hotline', reporter: { name: '王**', phone: '139****5678' }, duplicateOf: null });

  // it arrives live on both screens and is announced, not pushed in; then it is the top of the queue
  for (const s of [a, b]) {
    await s.page.click('[data-testid=queue-new]', { timeout: 15000 });
    await s.page.waitForFunction((eid) => document.querySelector('[data-testid=queue-list] .queue-row')?.getAttribute('data-event-id') === String(eid), id, { timeout: 10000 });
  }
  await a.page.click(`[data-testid=queue-list] .queue-row[data-event-id="${id}"]`);
  await b.page.click(`[data-testid=queue-list] .queue-row[data-event-id="${id}"]`);
  await a.page.waitForSelector(`[data-testid=event-detail][data-event-id="${id}"][data-state=reported]`);
  // an action the state does not allow is disabled and says why
  await expect(a.page.getAttribute('[data-testid=actions] button[data-action=dispatch]', 'title')).resolves.toContain('当前状态「上报」');
  for (const [action, state] of [
    ['accept', 'accepted'],
    ['register', 'registered'],
  ] as const) {
    await a.page.click(`[data-testid=actions] button[data-action=${action}]`);
    await a.page.waitForSelector(`[data-testid=event-detail][data-state=${state}]`, { timeout: 10000 });
  }
  // dispatch by name: the category's department is suggested
  await a.page.click('[data-testid=actions] button[data-action=dispatch]');
  await expect(a.page.$eval('[data-testid=dispatch-department]', (s) => (s as HTMLSelectElement).selectedOptions[0].textContent)).resolves.toContain('城市管理局');
  await a.page.selectOption('[data-testid=dispatch-department]', { label: '城市管理局 (按类别建议)' });
  await a.page.click('[data-testid=action-confirm]');
  await a.page.waitForSelector('[data-testid=event-detail][data-state=dispatched]', { timeout: 10000 });
  await expect(a.page.textContent('[data-testid=detail-department]')).resolves.toBe('城市管理局');
  await b.page.waitForSelector(`[data-testid=event-detail][data-event-id="${id}"][data-state=dispatched]`, { timeout: 10000 });

  // summon two departments by name
  await a.page.click('[data-testid=actions] button[data-action=summon]');
  const who = a.page.getByTestId('summon-departments');
  await who.getByRole('checkbox', { name: '住房和城乡建设局' }).check();
  expect(await who.getByRole('checkbox', { name: /^城市管理局/ }).isChecked()).toBe(true); // suggested by the category
  await a.page.click('[data-testid=action-confirm]');
  for (const s of [a, b]) {
    await s.page.waitForSelector('[data-testid=summons-board] tr[data-department=city_management][data-status=pending]', { timeout: 10000 });
    await s.page.waitForSelector('[data-testid=summons-board] tr[data-department=housing][data-status=pending]');
  }
  await b.page.click('[data-testid=tab-summons]');
  await b.page.waitForSelector(`[data-testid=open-summonses] li[data-event-id="${id}"] [data-department=city_management][data-status=pending]`, { timeout: 10000 });

  // city management reports in through the API: the second screen's board and list change, no reload
  const deptToken = await login(DEPARTMENT);
  const detail = await call<{ summons: { id: number }[] }>(deptToken, 'GET', `/api/events/${id}`);
  const sid = detail.body.summons[0].id;
  expect((await call(deptToken, 'POST', `/api/events/${id}/summons/${sid}/report-in`, {})).status).toBe(200);
  await b.page.waitForSelector('[data-testid=summons-board] tr[data-department=city_management][data-status=reported]', { timeout: 15000 });
  await b.page.waitForSelector('[data-testid=summons-board] tr[data-department=housing][data-status=pending]');
  await b.page.waitForSelector(`[data-testid=open-summonses] li[data-event-id="${id}"] [data-department=city_management][data-status=reported]`, { timeout: 15000 });
  const reloads = await b.page.evaluate(() => performance.getEntriesByType('navigation').length);
  expect(reloads).toBe(1);
  // the timeline names people and departments
  await expect(a.page.textContent('[data-testid=timeline]')).resolves.toContain('演示·指挥中心值班员');

  await shoot(a.page, 'operator');
  await a.page.setViewportSize(WALL);
  await shoot(b.page, 'operator-summons');
  for (const s of [a, b]) expect(await untranslated(s.page)).toEqual([]);
  await a.page.click('[data-testid=tab-summons]');
  expect(await untranslated(a.page)).toEqual([]);
  await a.page.click('.app-nav a[data-nav="/"]');
  await a.page.waitForURL(/\/$/);
  await a.page.waitForSelector('[data-testid=feed]');
  expect(await untranslated(a.page)).toEqual([]);

  // the department: lands on its inbox, the case is there
  const d = await open(DEPARTMENT, WALL);
  await d.page.waitForURL(/\/inbox$/);
  await d.page.waitForSelector(`[data-testid=queue-list] .queue-row[data-event-id="${id}"]`, { timeout: 30000 });
  await d.page.click(`[data-testid=queue-list] .queue-row[data-event-id="${id}"]`);
  await d.page.waitForSelector(`[data-testid=event-detail][data-event-id="${id}"] [data-testid=actions] button[data-action=start]:not([disabled])`);
  await d.page.waitForSelector('[data-testid=summons-board] tr[data-department=city_management][data-status=reported]');
  expect(await d.page.$$eval('.app-nav a', (els) => els.length)).toBe(0); // one screen: no navigation
  expect(await untranslated(d.page)).toEqual([]);
  await shoot(d.page, 'inbox');

  // the auditor: lands on the audit viewer, finds the case's entries, exports them
  const au = await open(AUDITOR, WALL);
  await au.page.waitForURL(/\/audit$/);
  await au.page.selectOption('select[name=entity]', 'event');
  await au.page.fill('input[name=entityId]', String(id));
  await au.page.click('[data-testid=audit-submit]');
  // the search answers with this case's entries only (the screen opened on the newest entries of all records)
  await au.page.waitForFunction(
    (eid) => {
      const rows = Array.from(document.querySelectorAll('[data-testid=audit-rows] tbody tr'));
      return rows.length >= 5 && rows.every((r) => r.getAttribute('data-entity-id') === String(eid));
    },
    id,
    { timeout: 10000 },
  );
  const rows = await au.page.$$eval('[data-testid=audit-rows] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-entity-id')));
  expect(new Set(rows)).toEqual(new Set([String(id)]));
  await expect(au.page.textContent('[data-testid=audit-rows]')).resolves.toContain('派遣');
  const [download] = await Promise.all([au.page.waitForEvent('download'), au.page.click('[data-testid=audit-export]')]);
  const csvPath = resolve(ARTIFACTS, 'console-audit.csv');
  await download.saveAs(csvPath);
  const csv = (await import('node:fs')).readFileSync(csvPath, 'utf8');
  expect(csv.split('\r\n').filter((l) => l.includes(`,event,${id},`)).length).toBe(rows.length);
  expect(await untranslated(au.page)).toEqual([]);
  await shoot(au.page, 'audit');

  for (const s of [a, b, d, au]) expect(s.problems).toEqual([]);
}, 400_000);
