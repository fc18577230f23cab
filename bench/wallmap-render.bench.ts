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
import vtpbf from 'vt-pbf';

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
/** the city the page draws; the page makes the events over the same box and grid */
const BBOX = [118.4, 31.6, 119.2, 32.4] as const;
const EXTENT = 4096;
const BUFFER = 64;

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
  phases: { storeAndViews: number; styleIn: number; eventsInWorker: number; frames: number };
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

/** Web-mercator tile coordinates (0…2^z) of a lon/lat. */
const tileX = (lon: number, z: number) => ((lon + 180) / 360) * 2 ** z;
const tileY = (lat: number, z: number) => ((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z;

/** The territory above the grids, as nested-ish blocks over the same box: level, columns, rows. */
const LEVELS = [
  ['city', 1, 1],
  ['district', 2, 3],
  ['street', 8, 10],
  ['community', 25, 28],
] as const;
/** deepest level per zoom, as the API's maxRankForZoom: districts to z6, streets z7, communities z8, grids from z9, micro-grids from z14 */
const maxRank = (z: number) => (z <= 6 ? 1 : z <= 7 ? 2 : z <= 8 ? 3 : z <= 13 ? 4 : 5);

/**
 * The areas as the API serves them to the wall: vector tiles of the layer `areas` (code, name,
 * level, parent_code; extent 4096, buffer 64) with the levels the API puts in at each zoom, cut
 * here from rectangles over the city (each block is a rectangle, so clipping it to the tile is
 * exact): the city, 6 districts, 80 streets, 700 communities and the square grid of GRIDS cells
 * the page counts its events in.
 */
function areasTile(z: number, x: number, y: number): Uint8Array {
  const lo = -BUFFER;
  const hi = EXTENT + BUFFER;
  const features: { type: 3; geometry: number[][][]; tags: Record<string, string> }[] = [];
  const blocks = (level: string, cols: number, rows: number, limit: number) => {
    const dx = (BBOX[2] - BBOX[0]) / cols;
    const dy = (BBOX[3] - BBOX[1]) / rows;
    let n = 0;
    for (let i = 0; i < cols; i++) {
      const x0 = Math.max(lo, Math.round((tileX(BBOX[0] + i * dx, z) - x) * EXTENT));
      const x1 = Math.min(hi, Math.round((tileX(BBOX[0] + (i + 1) * dx, z) - x) * EXTENT));
      for (let j = 0; j < rows && n < limit; j++, n++) {
        if (x0 >= x1) continue;
        // tile y grows southwards
        const y0 = Math.max(lo, Math.round((tileY(BBOX[1] + (j + 1) * dy, z) - y) * EXTENT));
        const y1 = Math.min(hi, Math.round((tileY(BBOX[1] + j * dy, z) - y) * EXTENT));
        if (y0 >= y1) continue;
        // exterior ring clockwise on screen (positive area with y down), as MVT 2.1 wants
        const ring = [
          [x0, y0],
          [x1, y0],
          [x1, y1],
          [x0, y1],
          [x0, y0],
        ];
        const code = level === 'grid' ? `G${i}_${j}` : `${level}-${i}-${j}`;
        features.push({ type: 3, geometry: [ring], tags: { code, name: level === 'grid' ? `第${i * rows + j + 1}网格` : code, level, parent_code: '' } });
      }
    }
  };
  LEVELS.forEach(([level, cols, rows], rank) => rank <= maxRank(z) && blocks(level, cols, rows, Infinity));
  if (maxRank(z) >= 4) {
    const side = Math.ceil(Math.sqrt(GRIDS));
    blocks('grid', side, side, GRIDS);
  }
  return vtpbf.fromGeojsonVt({ areas: { features } }, { version: 2, extent: EXTENT });
}

function serve(): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    if (path === '/api/areas/tiles.json') {
      const base = `http://${req.headers.host}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          tilejson: '3.0.0',
          name: 'areas',
          version: 'v1',
          scheme: 'xyz',
          tiles: [`${base}/api/tiles/areas/v1/{z}/{x}/{y}.mvt`],
          minzoom: 0,
          maxzoom: 22,
          vector_layers: [{ id: 'areas', fields: { code: 'String', name: 'String', level: 'String', parent_code: 'String' } }],
        }),
      );
      return;
    }
    const tile = /^\/api\/tiles\/areas\/v1\/(\d+)\/(\d+)\/(\d+)\.mvt$/.exec(path);
    if (tile) {
      res.writeHead(200, { 'content-type': 'application/vnd.mapbox-vector-tile' });
      res.end(areasTile(Number(tile[1]), Number(tile[2]), Number(tile[3])));
      return;
    }
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
  // BENCH_NOBUILD=1 reuses the page built by the last run
  if (!process.env.BENCH_NOBUILD) buildPage();
  const site = await serve();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    // BENCH_TRACE=<file>: a Chromium performance trace (all threads, with CPU samples) of the whole run
    if (process.env.BENCH_TRACE)
      await browser.startTracing(page, { path: process.env.BENCH_TRACE, categories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.cpu_profiler'] });
    await page.goto(`${site.url}/index.html?events=${EVENTS}&grids=${GRIDS}&changed=${CHANGED}&rounds=${ROUNDS}`);
    const r = (await page.evaluate(() => (window as unknown as { __bench: Promise<unknown> }).__bench, undefined)) as Result;
    if (process.env.BENCH_TRACE) await browser.stopTracing();
    // BENCH_SHOT=<file.png>: the map as the run left it, to look at
    if (process.env.BENCH_SHOT) await page.screenshot({ path: process.env.BENCH_SHOT });
    if (r.error) throw new Error(r.error);
    console.log(`${r.events.toLocaleString()} open events, ${r.grids.toLocaleString()} grids (generated in ${ms(r.dataMs)}), 1920x1080, ${r.rounds} rounds of ${r.changed} changed events each way`);
    console.log(
      `first full render (style, land, grids with case colours, clustered events, idle): ${ms(r.firstRender)}  [snapshot through store and views by ${ms(r.phases.storeAndViews)}, style in at ${ms(r.phases.styleIn)}, events in the worker at ${ms(r.phases.eventsInWorker)}, ${r.phases.frames} frames; ${r.gridsDrawn} grid pieces, ${r.clusters} clusters on screen]  target < 3000 ms: ${verdict(r.firstRender < 3000)}`,
    );
    for (const [name, w] of [
      ['updateData (wall)', r.updateData],
      [`setData (${r.fullFeatures})`, r.setData],
    ] as const) {
      console.log(
        `${name.padEnd(18)} store ${ms(w.store).padStart(8)}  views ${ms(w.views).padStart(8)}  map ${ms(w.map).padStart(8)}  main thread ${ms(w.main).padStart(8)}  to screen ${ms(w.toScreen).padStart(9)}  worst frame gap ${ms(w.worstFrame).padStart(9)}  (medians)`,
      );
    }
    console.log(`ratio setData / updateData: main thread ${(r.setData.main / r.updateData.main).toFixed(1)}x, to screen ${(r.setData.toScreen / r.updateData.toScreen).toFixed(2)}x`);
    console.log(
      `applying ${r.changed} changed events (store, views, map diff + updateData): main thread ${ms(r.updateData.main)} < 16 ms: ${verdict(r.updateData.main < 16)}; on screen within one frame: ${verdict(r.updateData.toScreen < 16)}`,
    );
  } finally {
    await browser.close();
    site.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
