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

/** Screen box and centre of a draft grid on the studio map, in page pixels (the map sits below the shell's bar). */
const gridBox = (page: Page, code: string) =>
  page.evaluate((c) => {
    const { map, draft } = (window as any).__studio;
    const f = (draft.features as { properties: { code: string }; geometry: { coordinates: number[][][] } }[]).find((x) => x.properties.code === c)!;
    const r = map.getCanvas().getBoundingClientRect();
    const pts = f.geometry.coordinates[0].map((p) => map.project(p)).map((p: { x: number; y: number }) => ({ x: p.x + r.left, y: p.y + r.top }));
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
    for (const poly of d.geometry.coordinates)
      for (const [x, y] of poly[0]) {
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
  await page.waitForSelector('[data-testid=studio][data-areas="7"]', { timeout: 30000 });
  await page.waitForSelector('[data-testid=studio-balance][data-grids="7"]', { timeout: 30000 });
  await page.waitForSelector('[data-testid=studio-validation][data-overlaps="0"][data-gaps="0"]', { timeout: 30000 });
  await page.screenshot({ path: resolve(ARTIFACTS, 'studio-split-1920.png') });

  // undo: back to six (the server's check of the six, as opened: the baseline the vertex drag must keep)
  const saved6 = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/features'), { timeout: 30000 });
  await page.click('[data-testid=studio-undo]');
  await page.waitForSelector('[data-testid=studio-balance][data-grids="6"]', { timeout: 30000 });
  const base = (await (await saved6).json()).topology.summary;

  // topological editing with the mouse: drag a vertex the target shares with two neighbours (inside the
  // community). While it moves, the neighbours follow on the map; on the drop it moves in all three
  // grids at once, the server finds no overlap and no gap, and undo puts it back in all three.
  const junction = await page.evaluate((code) => {
    const { draft } = (window as any).__studio;
    const fs = draft.features as { properties: { code: string }; geometry: { type: string; coordinates: any } }[];
    const flat = (g: { type: string; coordinates: any }): number[][] => (g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates.flat(2));
    const t = fs.find((f) => f.properties.code === code)!;
    for (const p of flat(t.geometry)) {
      const owners = fs.filter((f) => flat(f.geometry).some((q) => q[0] === p[0] && q[1] === p[1])).map((f) => f.properties.code);
      if (owners.length >= 3) return { at: p, owners };
    }
    return null;
  }, target);
  expect(junction).not.toBeNull();
  const { at: old, owners } = junction!;
  /** For each owner whether it has the old vertex, and the vertices all the owners have (the draft's, as saved). */
  const vertexOwners = () =>
    page.evaluate(
      ({ old, owners }) => {
        const fc = (window as any).__studio.draft;
        const flat = (g: { type: string; coordinates: any }): number[][] => (g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates.flat(2));
        const mine = owners.map((c) => flat(fc.features.find((f: { properties: { code: string } }) => f.properties.code === c).geometry).map((p) => `${p[0]},${p[1]}`));
        // a point all the owners have and the draft had nowhere before: the moved vertex
        return { hasOld: mine.map((ps) => ps.includes(`${old[0]},${old[1]}`)), common: mine[0].filter((p) => mine.every((ps) => ps.includes(p))) };
      },
      { old, owners },
    );
  const before3 = await vertexOwners();
  {
    const g = await gridBox(page, target);
    await page.mouse.click(g.cx, g.cy);
    await page.click('[data-testid=studio-tool-reshape]');
    await page.waitForTimeout(500);
    const px = await page.evaluate((p) => {
      const m = (window as any).__studio.map;
      const q = m.project(p);
      const r = m.getCanvas().getBoundingClientRect();
      return { x: q.x + r.left, y: q.y + r.top };
    }, old);
    // the save after the drop answers the server's topology check of the edited draft
    const checked = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/features'), { timeout: 30000 });
    await page.mouse.move(px.x, px.y);
    await page.mouse.down();
    for (let i = 1; i <= 8; i++) await page.mouse.move(px.x + 3 * i, px.y + 2 * i);
    // still held: all three grids on the map have left the old vertex
    await page.waitForFunction(
      async ({ old, owners }) => {
        const fc = await (window as any).__studio.map.getSource('draft').getData();
        const flat = (g: { type: string; coordinates: any }): number[][] => (g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates.flat(2));
        return owners.every((c: string) => !flat(fc.features.find((f: { properties: { code: string } }) => f.properties.code === c).geometry).some((p) => p[0] === old[0] && p[1] === old[1]));
      },
      { old, owners },
      { timeout: 30000 },
    );
    await page.screenshot({ path: resolve(ARTIFACTS, 'studio-vertex-dragging-1920.png') });
    await page.mouse.up();
    // the edit: every grid that had the vertex has the same new one where the mouse let go; none keeps the old one
    await page.waitForFunction(
      ({ old, owners }) => {
        const fs = (window as any).__studio.draft.features as { properties: { code: string }; geometry: { type: string; coordinates: any } }[];
        const flat = (g: { type: string; coordinates: any }): number[][] => (g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates.flat(2));
        return owners.every((c) => !flat(fs.find((f) => f.properties.code === c)!.geometry).some((p) => p[0] === old[0] && p[1] === old[1]));
      },
      { old, owners },
      { timeout: 30000 },
    );
    const after3 = await vertexOwners();
    expect(after3.hasOld).toEqual([false, false, false]);
    const fresh = after3.common.filter((p) => !before3.common.includes(p));
    expect(fresh).toHaveLength(1);
    // where the mouse let go (terra-draw's 9 digits put on the 1e-7° grid: well under a pixel)
    const landed = await page.evaluate((p) => {
      const m = (window as any).__studio.map;
      const q = m.project(p);
      const r = m.getCanvas().getBoundingClientRect();
      return { x: q.x + r.left, y: q.y + r.top };
    }, fresh[0].split(',').map(Number));
    expect(Math.hypot(landed.x - (px.x + 24), landed.y - (px.y + 16))).toBeLessThan(1);
    const answer = await (await checked).json();
    // no new gap, overlap or piece outside the community (the demo data's own findings, if any, stay as they were)
    expect(answer.topology.summary).toMatchObject({ overlaps: 0, gaps: 0, outsideParent: base.outsideParent, slivers: base.slivers });
    await page.waitForSelector('[data-testid=studio-validation][data-overlaps="0"][data-gaps="0"]', { timeout: 30000 });
    await page.waitForTimeout(400);
    await page.screenshot({ path: resolve(ARTIFACTS, 'studio-vertex-drag-1920.png') });
    // undo: the vertex is back where it was in all three grids
    await page.click('[data-testid=studio-undo]');
    await page.waitForFunction(
      ({ old, owners }) => {
        const fs = (window as any).__studio.draft.features as { properties: { code: string }; geometry: { type: string; coordinates: any } }[];
        const flat = (g: { type: string; coordinates: any }): number[][] => (g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates.flat(2));
        return owners.every((c) => flat(fs.find((f) => f.properties.code === c)!.geometry).some((p) => p[0] === old[0] && p[1] === old[1]));
      },
      { old, owners },
      { timeout: 30000 },
    );
    expect(await vertexOwners()).toEqual(before3);
    await page.click('[data-testid=studio-tool-select]');
  }

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
