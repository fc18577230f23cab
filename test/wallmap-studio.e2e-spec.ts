/// <reference lib="dom" />
// page.evaluate callbacks run in the browser: they need the DOM types the Node test tsconfig leaves out.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { startServer, REPO_ROOT, type ServerProcess } from './support/server-process';

/**
 * The grid studio in Chromium, as the demo analyst uses it, with the wall open beside it: open a
 * draft of 大影壁社区's grids, split a grid by a drawn line (validation and balance follow), undo,
 * merge two neighbours, preview the impact, publish; the wall gets the new grids with no reload.
 * Screenshots in test-artifacts/ (studio at 1920x1080 and 1366x768, the wall after publish).
 */
const ARTIFACTS = resolve(REPO_ROOT, 'test-artifacts');
const COMMUNITY = '320102002005';

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer({ env: { DEMO: 'on', SIMULATOR: 'off' }, healthTimeoutMs: 180_000 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(page: Page, path: string, username: string, password: string) {
  await page.goto(server.url + path);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}

/** The community's grid codes the wall's map holds in its tiles now. */
const wallGrids = (page: Page) =>
  page.evaluate((prefix) => {
    const m = (window as any).__wallmap;
    const fs = m.querySourceFeatures('areas', { sourceLayer: 'areas' }) as { properties: { code: string; level: string } }[];
    return [...new Set(fs.filter((f) => f.properties.level === 'grid' && f.properties.code.startsWith(prefix)).map((f) => f.properties.code))].sort();
  }, COMMUNITY);

/** Screen box and centre of a draft grid on the studio map. */
const gridBox = (page: Page, code: string) =>
  page.evaluate((c) => {
    const { map, draft } = (window as any).__studio;
    const f = (draft.features as { properties: { code: string }; geometry: { coordinates: number[][][] } }[]).find((x) => x.properties.code === c)!;
    const pts = f.geometry.coordinates[0].map((p) => map.project(p));
    const xs = pts.map((p: { x: number }) => p.x);
    const ys = pts.map((p: { y: number }) => p.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    // the centre of a convex cell's vertices lies inside it
    const cx = xs.reduce((s: number, x: number) => s + x, 0) / xs.length;
    const cy = ys.reduce((s: number, y: number) => s + y, 0) / ys.length;
    return { x0, x1, y0, y1, cx, cy };
  }, code);

test('an analyst splits, undoes, merges, previews and publishes in the studio; the open wall shows the new grids at once', async () => {
  const problems: string[] = [];
  const watch = (p: Page, name: string) => {
    p.on('pageerror', (e) => problems.push(`${name} pageerror: ${e.message}`));
    p.on('response', (r) => r.status() >= 500 && problems.push(`${name} http ${r.status()} ${r.url()}`));
  };

  // the wall, open on the community
  const wallCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const wall = await wallCtx.newPage();
  watch(wall, 'wall');
  await signIn(wall, '/', 'demo_operator', 'demo-operator-2025');
  await wall.waitForSelector('[data-testid=connection][data-status=online]', { timeout: 30000 });
  await wall.waitForFunction(() => (window as any).__wallmap?.isStyleLoaded(), null, { timeout: 60000 });
  const bbox = await wall.evaluate(async (code) => {
    const token = JSON.parse(sessionStorage.getItem('gc.session')!).accessToken;
    const d = await (await fetch(`/api/areas/${code}`, { headers: { authorization: `Bearer ${token}` } })).json();
    const xs: number[] = [];
    const ys: number[] = [];
    for (const poly of d.geometry.coordinates) for (const [x, y] of poly[0]) {
      xs.push(x);
      ys.push(y);
    }
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  }, COMMUNITY);
  await wall.evaluate((b) => (window as any).__wallmap.fitBounds(b, { duration: 0, padding: 200 }), bbox);
  await wall.waitForFunction(() => (window as any).__wallmap.areTilesLoaded(), null, { timeout: 30000 });
  const before = await wallGrids(wall);
  expect(before.length).toBe(6);

  // the studio, as the demo analyst
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  watch(page, 'studio');
  await signIn(page, '/studio', 'demo_analyst', 'demo-analyst-2025');
  await page.waitForSelector('[data-testid=studio-map][data-ready="1"]', { timeout: 30000 });
  await page.fill('[data-testid=studio-search]', '大影壁');
  await page.click(`[data-testid=studio-open-${COMMUNITY}]`);
  await page.waitForSelector('[data-testid=studio-balance][data-grids="6"]', { timeout: 30000 });
  await page.waitForSelector('[data-testid=studio-validation][data-overlaps="0"]');
  await page.waitForTimeout(500);

  // split grid …003 by a line drawn right across it
  const target = `${COMMUNITY}003`;
  const b = await gridBox(page, target);
  await page.mouse.click(b.cx, b.cy);
  await page.click('[data-testid=studio-tool-split]');
  await page.mouse.click(b.x0 - 12, b.cy);
  await page.mouse.click(b.x1 + 12, b.cy + 4);
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=studio][data-areas="7"]', { timeout: 10000 });
  await page.waitForSelector('[data-testid=studio-balance][data-grids="7"]', { timeout: 30000 });
  await page.waitForSelector('[data-testid=studio-validation][data-overlaps="0"][data-gaps="0"]', { timeout: 30000 });
  await page.screenshot({ path: resolve(ARTIFACTS, 'studio-split-1920.png') });

  // undo: back to six
  await page.click('[data-testid=studio-undo]');
  await page.waitForSelector('[data-testid=studio-balance][data-grids="6"]', { timeout: 30000 });

  // merge: the target and a neighbour (the merge button says why until a neighbour is picked)
  const codes = before.filter((c) => c !== target);
  let merged = false;
  for (const other of codes) {
    const a = await gridBox(page, target);
    await page.mouse.click(a.cx, a.cy);
    const o = await gridBox(page, other);
    await page.keyboard.down('Shift');
    await page.mouse.click(o.cx, o.cy);
    await page.keyboard.up('Shift');
    if (await page.isEnabled('[data-testid=studio-merge]')) {
      await page.click('[data-testid=studio-merge]');
      merged = true;
      break;
    }
    await expect(page.getAttribute('[data-testid=studio-merge]', 'title')).resolves.toBe('只能合并相邻的两个网格');
  }
  expect(merged).toBe(true);
  await page.waitForSelector('[data-testid=studio-balance][data-grids="5"]', { timeout: 30000 });
  await page.waitForSelector('[data-testid=studio-validation][data-overlaps="0"][data-gaps="0"]', { timeout: 30000 });

  // impact preview, then publish
  await page.click('[data-testid=studio-impact-btn]');
  await page.waitForSelector('[data-testid=studio-impact]', { timeout: 30000 });
  expect(Number(await page.getAttribute('[data-testid=studio-impact]', 'data-people'))).toBeGreaterThan(0);
  await page.screenshot({ path: resolve(ARTIFACTS, 'studio-impact-1920.png') });
  await page.click('[data-testid=studio-publish]');
  await page.waitForSelector('[data-testid=studio-stage][data-stage=done]', { timeout: 60000 });
  await page.screenshot({ path: resolve(ARTIFACTS, 'studio-published-1920.png') });

  // the wall, never reloaded, now draws five grids for the community
  await wall.waitForSelector('[data-testid=map][data-areas-key="1"]', { timeout: 30000 });
  await wall.waitForFunction(
    async (prefix) => {
      const m = (window as any).__wallmap;
      if (!m.areTilesLoaded()) return false;
      const fs = m.querySourceFeatures('areas', { sourceLayer: 'areas' }) as { properties: { code: string; level: string } }[];
      return new Set(fs.filter((f) => f.properties.level === 'grid' && f.properties.code.startsWith(prefix)).map((f) => f.properties.code)).size === 5;
    },
    COMMUNITY,
    { timeout: 30000 },
  );
  expect((await wallGrids(wall)).length).toBe(5);
  await wall.screenshot({ path: resolve(ARTIFACTS, 'studio-wall-after-publish-1920.png') });

  // the studio on a laptop
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.waitForTimeout(800);
  await page.screenshot({ path: resolve(ARTIFACTS, 'studio-1366.png') });
  expect(problems).toEqual([]);
  await ctx.close();
  await wallCtx.close();
  // two browsers and a demo city on a shared two-core machine: a generous limit, not a speed check
}, 420_000);
