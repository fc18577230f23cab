/// <reference lib="dom" />
// page.evaluate callbacks run in the browser: they need the DOM types the Node test tsconfig leaves out.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Client } from 'pg';
import { launchChromium } from './support/browser';
import { sqlClient } from './support/db';
import { startServer, REPO_ROOT, type ServerProcess } from './support/server-process';

/**
 * The studio's compare view (版本对比) in Chromium, as the demo analyst uses it, after a redraw of one
 * demo community (two neighbouring grids merged, published through the API as the studio does):
 * the two versions on the map and in the list (one removed, one reshaped), the case counts as then
 * and as now; then the demo's micro-grids on the wall at zoom 15 and as a draft in the studio.
 * Screenshots in test-artifacts/ at 1920x1080 and 1366x768 (and the English switch).
 */
const ARTIFACTS = resolve(REPO_ROOT, 'test-artifacts');

let server: ServerProcess;
let browser: Browser;
let sql: Client;
let token: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer({ env: { DEMO: 'on', SIMULATOR: 'off' }, healthTimeoutMs: 180_000 });
  sql = await sqlClient(server.databaseUrl);
  browser = await launchChromium();
  const r = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo_analyst', password: 'demo-analyst-2025' }) });
  token = (await r.json()).accessToken;
});

afterAll(async () => {
  await browser?.close();
  await sql?.end();
  await server?.stop();
});

async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path} → ${r.status} ${text}`);
  return JSON.parse(text);
}

async function signIn(page: Page, path: string, username: string, password: string) {
  await page.goto(server.url + path);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}

const watch = (p: Page, problems: string[]) => {
  p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  p.on('response', (r) => r.status() >= 500 && problems.push(`http ${r.status()} ${r.url()}`));
};

test('an analyst compares the demo grids before and after a redraw: map, list of changes, case counts as then and as now', async () => {
  // two neighbouring grids of a community, the removed one with cases inside the compared period (the last 90 days), sharing a border of > 100 m; their union in PostGIS
  const { rows } = await sql.query(
    `WITH recent AS (SELECT grid_id, count(*) AS n FROM event WHERE reported_at > now() - interval '85 days' GROUP BY grid_id)
     SELECT c.code AS community, c.name, a.code AS keep, a.name AS keep_name, b.code AS gone, b.name AS gone_name, ST_AsGeoJSON(ST_Union(a.geom, b.geom), 7)::jsonb AS merged
       FROM area c JOIN area a ON a.parent_code = c.code JOIN area b ON b.parent_code = c.code AND a.code < b.code JOIN recent r ON r.grid_id = b.id
      WHERE c.level = 'community' AND a.level = 'grid' AND b.level = 'grid'
        AND c.valid_to IS NULL AND a.valid_to IS NULL AND b.valid_to IS NULL AND c.valid_from IS NOT NULL AND a.valid_from IS NOT NULL AND b.valid_from IS NOT NULL
        AND c.path <@ '320100.320104'::ltree
        AND (SELECT count(*) FROM area g WHERE g.parent_code = c.code AND g.valid_to IS NULL AND g.valid_from IS NOT NULL) >= 3
        AND ST_Length(ST_Intersection(a.geom, b.geom)::geography) > 100 AND ST_NumGeometries(ST_Union(a.geom, b.geom)) = 1
      ORDER BY r.n DESC, c.code LIMIT 1`,
  );
  expect(rows).toHaveLength(1);
  const m = rows[0];
  // the redraw, as the studio saves and publishes it
  const draft = await api('POST', '/api/areas/drafts', { parentCode: m.community });
  const fc = await api('GET', `/api/areas/export?version=${draft.versionId}`);
  const features = fc.features
    .filter((f: any) => f.properties.code !== m.gone)
    .map((f: any) => ({ type: 'Feature', properties: { code: f.properties.code, name: f.properties.name }, geometry: f.properties.code === m.keep ? m.merged : f.geometry }));
  const saved = await api('PUT', `/api/areas/versions/${draft.versionId}/features`, { type: 'FeatureCollection', features });
  expect(saved.topology.summary.overlaps).toBe(0);
  await api('POST', `/api/areas/versions/${draft.versionId}/publish`, { acknowledgeGaps: true });
  // the facts worker has read the demo's history (its cursor passes every case): the removed grid's cases are there as then
  const day = (back: number) => new Date(Date.now() + 8 * 3600_000 - back * 86400_000).toISOString().slice(0, 10);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const c = await api('GET', `/api/areas/case-counts?parentCode=${m.community}&from=${day(89)}&to=${day(0)}`);
    if (c.grids.some((g: any) => g.code === m.gone && g.then > 0)) break;
    if (Date.now() > deadline) throw new Error(`no cases of ${m.gone} as then: ${JSON.stringify(c)}`);
    await new Promise((ok) => setTimeout(ok, 2000));
  }

  const problems: string[] = [];
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  watch(page, problems);
  await signIn(page, '/studio', 'demo_analyst', 'demo-analyst-2025');
  await page.click('[data-testid=studio-compare]');
  await page.waitForSelector('[data-testid=compare-map][data-ready="1"]');
  await page.fill('[data-testid=compare-search]', m.name);
  await page.click(`[data-testid=compare-pick-${m.community}]`);
  await page.waitForSelector('[data-testid=compare-changes]', { timeout: 30000 });
  await page.waitForSelector('[data-testid=compare-cases]', { timeout: 30000 });
  // the newest version (the redraw) against the demo's grids, within the community
  const counts = JSON.parse((await page.getAttribute('[data-testid=compare-changes]', 'data-counts'))!);
  expect(counts).toMatchObject({ added: 0, removed: 1, reshaped: 1 });
  expect(counts.unchanged).toBeGreaterThanOrEqual(1);
  expect(await page.textContent(`[data-testid=compare-changes] tr[data-code="${m.gone}"]`)).toContain(m.gone_name);
  expect(await page.textContent(`[data-testid=compare-changes] tr[data-code="${m.gone}"]`)).toContain('撤销');
  expect(await page.textContent(`[data-testid=compare-changes] tr[data-code="${m.keep}"]`)).toContain('调整边界');
  // both versions drawn: the removed grid (earlier side, red), the merged one on both sides (orange)
  const drawn = await page.evaluate(async () => {
    const map = (window as any).__compare.map;
    // the source's public getData() (MapLibre resolves what setData gave it, wherever the worker holds it)
    const fs = ((await map.getSource('compare').getData()) as any).features as { properties: { code: string; side: string; change: string } }[];
    return fs
      .filter((f) => f.properties.change !== 'unchanged')
      .map((f) => `${f.properties.code}:${f.properties.side}:${f.properties.change}`)
      .sort();
  });
  expect(drawn).toEqual([`${m.gone}:from:removed`, `${m.keep}:from:reshaped`, `${m.keep}:to:reshaped`].sort());
  // case counts: the removed grid had cases then and has none now; the merged grid took them
  const gone = await page.$(`[data-testid=compare-cases] tr[data-code="${m.gone}"]`);
  expect(Number(await gone!.getAttribute('data-then'))).toBeGreaterThan(0);
  expect(Number(await gone!.getAttribute('data-now'))).toBe(0);
  const keep = await page.$(`[data-testid=compare-cases] tr[data-code="${m.keep}"]`);
  expect(Number(await keep!.getAttribute('data-now'))).toBeGreaterThan(Number(await keep!.getAttribute('data-then')));
  expect(await page.getAttribute('[data-testid=compare-cases]', 'data-then')).toBe(await page.getAttribute('[data-testid=compare-cases]', 'data-now'));
  // names on screen, never a raw code in the lists
  const listText = (await page.textContent('[data-testid=compare-changes] tbody'))! + (await page.textContent('[data-testid=compare-cases] tbody'))!;
  expect(listText).not.toMatch(/\d{12,}/);
  await page.waitForFunction(() => (window as any).__compare.map.areTilesLoaded() && (window as any).__compare.map.loaded(), null, { timeout: 30000 });
  await page.screenshot({ path: resolve(ARTIFACTS, 'studio-compare-1920.png') });

  await page.setViewportSize({ width: 1366, height: 768 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: resolve(ARTIFACTS, 'studio-compare-1366.png') });

  // the English switch: the same view in English
  await page.click('button.lang-switch');
  await page.waitForFunction(() => document.querySelector('[data-testid=compare-changes] h2')?.textContent === 'Changes');
  expect(await page.textContent(`[data-testid=compare-changes] tr[data-code="${m.gone}"]`)).toContain('Removed');
  await page.screenshot({ path: resolve(ARTIFACTS, 'studio-compare-1366-en.png') });
  await page.click('button.lang-switch');
  await ctx.close();
  expect(problems).toEqual([]);
});

test("the demo's micro-grids: outlines on the wall from zoom 14, a grid opens in the studio as a micro-grid draft", async () => {
  const { rows } = await sql.query(
    `SELECT g.code, g.name, count(*)::int AS n, ST_XMin(g.geom) AS x0, ST_YMin(g.geom) AS y0, ST_XMax(g.geom) AS x1, ST_YMax(g.geom) AS y1
       FROM area m JOIN area g ON g.code = m.parent_code AND g.valid_to IS NULL AND g.valid_from IS NOT NULL
      WHERE m.level = 'microgrid' AND m.valid_to IS NULL AND m.valid_from IS NOT NULL
      GROUP BY g.code, g.name, g.geom ORDER BY n DESC, g.code LIMIT 1`,
  );
  expect(rows).toHaveLength(1);
  const g = rows[0];
  const problems: string[] = [];
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  watch(page, problems);
  await signIn(page, '/', 'demo_operator', 'demo-operator-2025');
  await page.waitForFunction(() => (window as any).__wallmap?.isStyleLoaded(), null, { timeout: 60000 });
  const microAt = async (zoom: number) => {
    await page.evaluate(([c, z]) => (window as any).__wallmap.jumpTo({ center: c, zoom: z }), [[(g.x0 + g.x1) / 2, (g.y0 + g.y1) / 2], zoom] as const);
    await page.waitForFunction(() => (window as any).__wallmap.areTilesLoaded() && (window as any).__wallmap.loaded(), null, { timeout: 30000 });
    return page.evaluate((code) => {
      const fs = (window as any).__wallmap.querySourceFeatures('areas', { sourceLayer: 'areas' }) as { properties: { code: string; level: string; parent_code: string } }[];
      return [...new Set(fs.filter((f) => f.properties.level === 'microgrid' && f.properties.parent_code === code).map((f) => f.properties.code))].sort();
    }, g.code);
  };
  expect(await microAt(13)).toEqual([]);
  const shown = await microAt(15.5);
  expect(shown.length).toBe(g.n);
  await page.screenshot({ path: resolve(ARTIFACTS, 'wall-microgrids-1920.png') });
  await ctx.close();

  // the studio: a grid opens as a draft of its micro-grids
  const sctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const studio = await sctx.newPage();
  watch(studio, problems);
  await signIn(studio, '/studio', 'demo_analyst', 'demo-analyst-2025');
  await studio.fill('[data-testid=studio-search]', g.name);
  await studio.click(`[data-testid=studio-open-${g.code}]`);
  await studio.waitForSelector(`[data-testid=studio][data-areas="${g.n}"]`, { timeout: 30000 });
  await studio.waitForSelector('[data-testid=studio-validation] .ok', { timeout: 30000 });
  await studio.waitForFunction(() => (window as any).__studio.map.areTilesLoaded(), null, { timeout: 30000 });
  await studio.screenshot({ path: resolve(ARTIFACTS, 'studio-microgrid-draft-1366.png') });
  await sctx.close();
  expect(problems).toEqual([]);
});
