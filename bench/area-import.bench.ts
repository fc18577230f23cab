/**
 * A large area import must not stall the API (issue #16 §3): the probe's 150k-feature upload
 * (26.5 MB) took 100 s and `/api/health` timed out for 60 s meanwhile. Here the same size goes to
 * `POST /api/areas/import` on the real API (its own process, server database) and runs as a job;
 * a client asks `/api/health` back to back the whole time. Peer: the same health loop against the
 * same API while it is idle, in the same run. Figures: the slowest health answer during the import
 * (target < 1 s) beside the idle one, and how long the import took.
 * Run: node scripts/bench.mjs area-import (BENCH_SCALE scales the feature count)
 */
import { createBenchDb, median, run, scaled, startApi, verdict } from './support';

const TARGET_MS = 1000;

/** n square grid cells of 5 positions each (the probe's upload had about this shape and size). */
function collection(n: number): string {
  const features: string[] = [];
  const perRow = 400;
  for (let i = 0; i < n; i++) {
    const x = 118.5 + (i % perRow) * 0.001;
    const y = 31.8 + Math.floor(i / perRow) * 0.001;
    const ring = [
      [x, y],
      [x + 0.001, y],
      [x + 0.001, y + 0.001],
      [x, y + 0.001],
      [x, y],
    ]
      .map(([a, b]) => `[${a.toFixed(5)},${b.toFixed(5)}]`)
      .join(',');
    features.push(`{"type":"Feature","properties":{"code":"G${i}"},"geometry":{"type":"Polygon","coordinates":[[${ring}]]}}`);
  }
  return `{"type":"FeatureCollection","features":[${features.join(',')}]}`;
}

/** Ask /api/health back to back until `until` resolves; the time of each answer in ms. */
async function healthLoop(url: string, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.then(() => (done = true));
  const times: number[] = [];
  while (!done) {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(60_000) });
    await res.text();
    if (res.status !== 200) throw new Error(`health answered ${res.status}`);
    times.push(performance.now() - t0);
  }
  return times;
}

const stats = (xs: number[]) => `${xs.length} answers, median ${median(xs).toFixed(1)} ms, slowest ${Math.max(...xs).toFixed(1)} ms`;

run(async () => {
  const db = await createBenchDb('area_import');
  const api = await startApi(db.url, { AREA_IMPORT_MAX_FEATURES: '200000' });
  try {
    const n = scaled(150_000, 100);
    const body = collection(n);
    console.log(`upload: ${n} features, ${(body.length / 1e6).toFixed(1)} MB`);
    const headers = { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' };

    const idle = await healthLoop(api.url, new Promise((r) => setTimeout(r, 5000)));
    console.log(`peer, /api/health with the API idle: ${stats(idle)}`);

    const t0 = performance.now();
    let accepted = 0;
    const importing = (async () => {
      const res = await fetch(`${api.url}/api/areas/import?level=grid&codeProperty=code`, { method: 'POST', headers, body });
      accepted = performance.now() - t0;
      if (res.status !== 202) throw new Error(`import answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const { id } = (await res.json()) as { id: string };
      for (;;) {
        const job = (await (await fetch(`${api.url}/api/areas/import-jobs/${id}`, { headers })).json()) as { status: string; result: { results: unknown[] } | null; error: unknown };
        if (job.status === 'succeeded') return job.result!.results.length;
        if (job.status !== 'running') throw new Error(`job ${job.status}: ${JSON.stringify(job.error).slice(0, 300)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const during = await healthLoop(
      api.url,
      importing.catch(() => undefined),
    );
    const imported = await importing;
    const total = performance.now() - t0;
    console.log(`import: ${imported} features in ${(total / 1000).toFixed(1)} s (202 after ${accepted.toFixed(0)} ms: upload, parse, checks)`);
    console.log(`/api/health during the import: ${stats(during)}`);
    console.log(`ratio slowest health during import / idle: ${(Math.max(...during) / Math.max(...idle)).toFixed(1)}x`);
    return verdict('slowest /api/health answer during a 150k-feature import', Math.max(...during) < TARGET_MS, `${Math.max(...during).toFixed(0)} ms (target < ${TARGET_MS} ms)`);
  } finally {
    await api.stop();
    await db.drop();
  }
});
