/**
 * The wall map in headless Chromium with BENCH_EVENTS (100k) open events and BENCH_GRIDS (10k)
 * grids: time to the first full render (target < 3 s), and the cost of applying BENCH_CHANGED
 * (100) changed events with `GeoJSONSource.updateData` (what the wall does per socket batch)
 * against a full `setData` of the same data, alternating in the same run (target < 16 ms).
 *
 * The page (bench/wallmap-render/) is built by Vite from the wall's own code: map options and
 * style, the events store, the views derived per batch and the map sync. Each live batch goes
 * through the store and the views, then onto the map; for each way it reports those main-thread
 * parts, the time until the map is idle again (worker re-clustered, frame drawn) and the longest
 * gap between animation frames meanwhile. Run: node scripts/bench.mjs wallmap-render
 * (BENCH_TRACE=<file> writes a Chromium trace; with BENCH_MINIFY=0 the page keeps its names).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = resolve(__dirname, '../..');
const OUT = join(ROOT, 'dist/bench/wallmap-render');
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const GRIDS = Number(process.env.BENCH_GRIDS ?? 10_000);
const CHANGED = Number(process.env.BENCH_CHANGED ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
// the machine's probe flags; without --no-first-run a first-run WebUI renderer took ~3.5 s of CPU
// during the first render (seen in a BENCH_TRACE), on the same two cores as the page
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.pbf': 'application/x-protobuf', '.json': 'application/json' };

interface Way {
  store: number;
  views: number;
  map: number;
  main: number;
  toScreen: number;
  worstFrame: number;
}
interface Result {
  events: number;
  grids: number;
  changed: number;
  rounds: number;
  dataMs: number;
  firstRender: number;
  phases: { storeAndViews: number; mapLoad: number };
  clusters: number;
  gridsDrawn: number;
  updateData: Way;
  setData: Way;
  fullFeatures: number;
  error?: string;
}

function buildPage() {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'bench/wallmap-render/vite.config.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('bench page build failed');
  console.log(`page built from the wall map's code in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function serve(): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(OUT, path === '/' ? 'index.html' : path);
    if (!file.startsWith(OUT) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() })));
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

async function main() {
  buildPage();
  const site = await serve();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    // BENCH_TRACE=<file>: a Chromium performance trace (all threads, with CPU samples) of the whole run
    if (process.env.BENCH_TRACE) await browser.startTracing(page, { path: process.env.BENCH_TRACE, categories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.cpu_profiler'] });
    await page.goto(`${site.url}/index.html?events=${EVENTS}&grids=${GRIDS}&changed=${CHANGED}&rounds=${ROUNDS}`);
    const r = (await page.evaluate(() => (window as unknown as { __bench: Promise<unknown> }).__bench, undefined)) as Result;
    if (process.env.BENCH_TRACE) await browser.stopTracing();
    if (r.error) throw new Error(r.error);
    console.log(`${r.events.toLocaleString()} open events, ${r.grids.toLocaleString()} grids (generated in ${ms(r.dataMs)}), 1920x1080, ${r.rounds} rounds of ${r.changed} changed events each way`);
    console.log(`first full render (style, land, grids with case colours, clustered events, idle): ${ms(r.firstRender)}  [snapshot through store and views ${ms(r.phases.storeAndViews)}, map loaded at ${ms(r.phases.mapLoad)}; ${r.gridsDrawn} grid pieces, ${r.clusters} clusters on screen]  target < 3000 ms: ${verdict(r.firstRender < 3000)}`);
    for (const [name, w] of [['updateData (wall)', r.updateData], [`setData (${r.fullFeatures})`, r.setData]] as const) {
      console.log(`${name.padEnd(18)} store ${ms(w.store).padStart(8)}  views ${ms(w.views).padStart(8)}  map ${ms(w.map).padStart(8)}  main thread ${ms(w.main).padStart(8)}  to screen ${ms(w.toScreen).padStart(9)}  worst frame gap ${ms(w.worstFrame).padStart(9)}  (medians)`);
    }
    console.log(`ratio setData / updateData: main thread ${(r.setData.main / r.updateData.main).toFixed(1)}x, to screen ${(r.setData.toScreen / r.updateData.toScreen).toFixed(2)}x`);
    console.log(`applying ${r.changed} changed events (store, views, map diff + updateData): main thread ${ms(r.updateData.main)} < 16 ms: ${verdict(r.updateData.main < 16)}; on screen within one frame: ${verdict(r.updateData.toScreen < 16)}`);
  } finally {
    await browser.close();
    site.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
