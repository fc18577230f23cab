/// <reference lib="dom" />
// The supervision screen (/supervision) in Debian's Chromium against the built app: rankings, a
// warning raised by the server's periodic evaluation arriving live on the open screen, acknowledged
// there; the English switch; wall and laptop screenshots. Needs `node scripts/build.mjs`.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { insertEventTerritory } from './support/event-territory';
import { launchChromium, signInToWall, TEST_ADMIN } from './support/browser';
import { startServer, REPO_ROOT, type ServerProcess } from './support/server-process';

const ARTIFACTS = resolve(REPO_ROOT, 'test-artifacts');
const SUPERVISOR = { username: 'sup_e2e', password: 'sup-e2e-password-1' };

let server: ServerProcess;
let browser: Browser;
let token: string;

async function call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

async function openSupervision(width: number, height: number): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' })).newPage();
  await signInToWall(page, server.url, SUPERVISOR);
  await page.goto(server.url + '/supervision');
  await page.waitForSelector('[data-testid=supervision]');
  await page.waitForSelector('[data-testid=connection][data-status=online]', { timeout: 30000 });
  return page;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // facts every second, warnings every two: the screen must show what the server raises by itself
  server = await startServer({ env: { SUPERVISION_FACTS_SECONDS: '1', WARNINGS_SECONDS: '2', ESCALATION_SWEEP_SECONDS: '0' } });
  await insertEventTerritory(server.databaseUrl);
  token = (await call<{ accessToken: string }>('POST', '/api/auth/login', TEST_ADMIN)).body.accessToken;
  expect((await call('POST', '/api/users', { ...SUPERVISOR, roles: ['supervisor'], jurisdiction: '*' })).status).toBe(201);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('a spike raised by the server arrives live on the open supervision screen and is acknowledged there', async () => {
  // a few ordinary cases first, so the rankings have rows
  for (const [category, lon] of [
    ['exposed_rubbish', 118.72],
    ['street_light', 118.78],
  ] as const) {
    const e = await call<{ id: number }>('POST', '/api/events', { title: `日常 ${category}`, category, lon, lat: 32.02 });
    expect(e.status).toBe(201);
    for (const action of ['accept', 'register', 'dispatch']) expect((await call('POST', `/api/events/${e.body.id}/transitions`, { action })).status).toBe(200);
  }
  const page = await openSupervision(1920, 1080);
  await page.waitForSelector('[data-testid=sv-rank-department]');
  await page.waitForFunction(() => document.querySelector('[data-testid=sv-warnings]')?.textContent?.includes('暂无预警'));
  // eight noise complaints today in one district with no history: far above what its mix predicts (spike rule: ≥ 8, 3x, z ≥ 4)
  for (let i = 0; i < 8; i++) {
    expect((await call('POST', '/api/events', { title: `噪声扰民 ${i}`, category: 'noise', lon: 118.71 + i * 0.002, lat: 32.01 })).status).toBe(201);
  }
  const warning = await page.waitForSelector('.sv-warning[data-kind=spike].status-open', { timeout: 30000 });
  const text = (await warning.textContent()) ?? '';
  expect(text).toContain('激增');
  expect(text).toContain('测试区');
  expect(text).toContain('噪声扰民：今日 8 件');
  expect(text).not.toContain('noise');
  await page.screenshot({ path: resolve(ARTIFACTS, 'supervision-warning-1920x1080.png') });
  const id = await warning.getAttribute('data-warning-id');
  await warning.$('button').then((b) => b!.click());
  await page.waitForSelector(`.sv-warning[data-warning-id="${id}"].status-acknowledged`);
  const listed = (await call<any[]>('GET', '/api/warnings')).body.find((w) => String(w.id) === id);
  expect(listed).toMatchObject({ status: 'acknowledged', handledBy: SUPERVISOR.username, kind: 'spike' });
});

test('shows rankings, the printable report and English names at laptop size', async () => {
  const page = await openSupervision(1366, 768);
  const depts = await page.waitForSelector('[data-testid=sv-rank-department] tbody tr');
  expect(await depts.textContent()).toMatch(/局|委员会/);
  await page.click('[data-testid=sv-tab-report]');
  await page.waitForSelector('[data-testid=sv-report] table tbody tr');
  expect(await page.textContent('[data-testid=sv-report]')).toContain('测试区');
  await page.screenshot({ path: resolve(ARTIFACTS, 'supervision-report-1366x768.png') });
  await page.click('.lang-switch');
  await page.click('[data-testid=sv-tab-ranking]');
  await page.waitForFunction(() => document.querySelector('.sv-toolbar')?.textContent?.includes('Supervision and evaluation'));
  await page.screenshot({ path: resolve(ARTIFACTS, 'supervision-ranking-en-1366x768.png') });
});
