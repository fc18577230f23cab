/**
 * The wall's worker layer with BENCH_WORKERS (5,000) grid workers in headless Chromium, each
 * reporting every 10 s (500 `worker.position` messages a second, in socket batches every 100 ms,
 * due by the clock: a late timer sends what fell due meanwhile, so the page gets the stated rate):
 * main-thread milliseconds of worker-layer work per wall-second, the wall's way (a throttled feed,
 * at most one store update a second, `updateData` with the workers that moved) against the peer
 * measured in the same run, the way the wall did it before (each batch into the store and the whole
 * layer sent again with `setData`). Target: ≤ 16 ms per wall-second.
 *
 * Two figures per way: the layer's own code timed in the page (store, feed, diff, the MapLibre call
 * that hands the data to its worker), and the page's whole main-thread task time per second (Chrome's
 * TaskDuration: that plus MapLibre's rendering of the layer), with an idle run (no messages) beside
 * them. The page (bench/wallmap-workers/) is built by Vite from the wall's code.
 * Run: node scripts/bench.mjs wallmap-workers (BENCH_SECONDS, default 10, per run; two runs each way).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = resolve(__dirname, '../..');
const OUT = join(ROOT, 'dist/bench/wallmap-workers');
const WORKERS = Number(process.env.BENCH_WORKERS ?? 5000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** The stated load: every worker reports once every 10 s. */
const RATE = WORKERS / 10;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css' };

interface RunResult {
  mode: string;
  seconds: number;
  batches: number;
  messages: number;
  layerMs: number;
  mapUpdates: number;
  worstMs: number;
  maxGapMs: number;
}

function buildPage() {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'bench/wallmap-workers/vite.config.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('bench page build failed');
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (!process.env.BENCH_NOBUILD) buildPage();
  const site = await serve();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value;
    await page.goto(`${site.url}/index.html?workers=${WORKERS}`);
    await page.evaluate(() => (window as unknown as { __ready: Promise<void> }).__ready);
    const rows: (RunResult & { taskMsPerS: number })[] = [];
    for (const mode of ['idle', 'wall', 'peer', 'wall', 'peer'] as const) {
      const t0 = await taskSeconds();
      const w0 = Date.now();
      const r = (await page.evaluate(([m, s]) => (window as unknown as { __run: (m: string, s: number) => Promise<unknown> }).__run(m, s), [mode, SECONDS] as const)) as RunResult;
      const taskMsPerS = (((await taskSeconds()) - t0) * 1000) / ((Date.now() - w0) / 1000);
      rows.push({ ...r, taskMsPerS });
      console.log(
        `${mode.padEnd(5)} ${r.messages} messages${mode === 'idle' ? ' made, not delivered,' : ''} in ${r.batches} batches over ${r.seconds.toFixed(1)} s = ${(r.messages / r.seconds).toFixed(0)}/s (stated ${RATE}/s; generator timer's longest gap ${r.maxGapMs.toFixed(0)} ms): layer code ${(r.layerMs / r.seconds).toFixed(2)} ms per wall-second (worst piece ${r.worstMs.toFixed(1)} ms, ${r.mapUpdates} map updates); page main thread ${taskMsPerS.toFixed(1)} ms/s`,
      );
    }
    if (process.env.BENCH_SHOT) await page.screenshot({ path: process.env.BENCH_SHOT });
    const of = (m: string) => rows.filter((r) => r.mode === m);
    const wall = median(of('wall').map((r) => r.layerMs / r.seconds));
    const peer = median(of('peer').map((r) => r.layerMs / r.seconds));
    const idleTask = of('idle')[0].taskMsPerS;
    const wallTask = median(of('wall').map((r) => r.taskMsPerS));
    const peerTask = median(of('peer').map((r) => r.taskMsPerS));
    console.log(`${WORKERS} workers, 1920x1080: layer code per wall-second, wall ${wall.toFixed(2)} ms against peer (setData per batch) ${peer.toFixed(2)} ms: ${(peer / wall).toFixed(1)}x less`);
    console.log(`page main thread per wall-second (layer work and its rendering), less idle ${idleTask.toFixed(1)} ms/s: wall ${(wallTask - idleTask).toFixed(1)} ms, peer ${(peerTask - idleTask).toFixed(1)} ms`);
    // The figures hold only if the page got the stated load (the generator catches up by the clock).
    const slowest = Math.min(...rows.filter((r) => r.mode !== 'idle').map((r) => r.messages / r.seconds));
    const rateOk = slowest >= 0.95 * RATE;
    console.log(`${rateOk ? 'PASS' : 'MISS'}  load delivered: slowest run ${slowest.toFixed(0)} messages/s (stated ${RATE}/s, at least 95 % of it)`);
    console.log(`${wall <= 16 && rateOk ? 'PASS' : 'MISS'}  worker layer main-thread work per wall-second: ${wall.toFixed(2)} ms (target ≤ 16 ms)`);
  } finally {
    await browser.close();
    site.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
