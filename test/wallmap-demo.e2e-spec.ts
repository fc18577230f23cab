/// <reference lib="dom" />
// page.evaluate callbacks run in the browser: they need the DOM types the Node test tsconfig leaves out.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { startServer, REPO_ROOT, type ServerProcess } from './support/server-process';

/**
 * The Nanjing demo on the wall, as a new user sees it: the API started with DEMO=on and the
 * simulator, a demo account picked from the sign-in screen's list, the city at city zoom.
 * Saves test-artifacts/wallmap-demo.png (1920x1080) and its English twin for a person to look at.
 */
const ARTIFACTS = resolve(REPO_ROOT, 'test-artifacts');

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer({ env: { DEMO: 'on', SIMULATOR: 'on', SIMULATOR_RATE: '2' }, healthTimeoutMs: 180_000 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('the demo city on the wall: sign in from the demo list, Nanjing with its districts, grids by cases, live simulator events', async () => {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`http ${r.status()} ${r.url()}`));

  await page.goto(server.url + '/');
  // the demo accounts, as the API lists them: name, role and jurisdiction; a click fills the form
  await page.waitForSelector('.demo-accounts button[data-username=demo_operator]');
  await expect(page.textContent('.demo-accounts button[data-username=demo_operator]')).resolves.toContain('值班员 · 南京市');
  await page.screenshot({ path: resolve(ARTIFACTS, 'wallmap-demo-signin.png') });
  await page.click('.demo-accounts button[data-username=demo_operator]');
  await page.click('button[type=submit]');
  // the operator lands on the console; the wall is one step away in the navigation
  await page.waitForURL(/\/console$/);
  await page.click('.app-nav a[data-nav="/"]');
  await page.waitForURL(/\/$/);
  await page.waitForSelector('[data-testid=connection][data-status=online]', { timeout: 30000 });

  const map = () => page.waitForFunction(() => (window as any).__wallmap?.isStyleLoaded() && (window as any).__wallmap.areTilesLoaded() && !(window as any).__wallmap.isMoving(), null, { timeout: 60000 });
  await map();
  // the start view fits the city between the side panels: city zoom
  const zoom = await page.evaluate(() => (window as any).__wallmap.getZoom() as number);
  expect(zoom).toBeGreaterThan(9);
  expect(zoom).toBeLessThan(11);
  // the six districts, each named once
  await page.waitForFunction(() => (window as any).__wallmap.queryRenderedFeatures({ layers: ['district-label'] }).length === 6, null, { timeout: 30000 });
  const names = await page.evaluate(() => ((window as any).__wallmap.queryRenderedFeatures({ layers: ['district-label'] }) as { properties: { name: string } }[]).map((f) => f.properties.name).sort());
  expect(names).toEqual(['建邺区', '栖霞区', '江宁区', '玄武区', '秦淮区', '鼓楼区'].sort());
  // grids are drawn at city zoom, and some carry open cases as feature state
  const grids = await page.evaluate(() => {
    const m = (window as any).__wallmap;
    const fs = m.queryRenderedFeatures({ layers: ['grids-cases'] }) as { id: string }[];
    const codes = new Set(fs.map((f) => f.id));
    let open = 0;
    for (const code of codes) if ((m.getFeatureState({ source: 'areas', sourceLayer: 'areas', id: code }).open ?? 0) > 0) open++;
    return { drawn: codes.size, open };
  });
  expect(grids.drawn).toBeGreaterThan(2000);
  expect(grids.open).toBeGreaterThan(0);
  // the simulator's cases arrive live
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=feed] li.type-event-created').length >= 1, null, { timeout: 60000 });
  await expect(page.textContent('[data-testid=stat-open]').then(Number)).resolves.toBeGreaterThan(0);

  await map();
  await page.screenshot({ path: resolve(ARTIFACTS, 'wallmap-demo.png') });
  await page.click('.top-bar .lang-switch');
  await expect(page.textContent('.top-bar h1')).resolves.toBe('Grid Governance Command Centre');
  await page.screenshot({ path: resolve(ARTIFACTS, 'wallmap-demo-en.png') });
  expect(problems).toEqual([]);
  await context.close();
});
