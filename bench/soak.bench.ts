/**
 * Soak: does the demo stay as fast at minute 30 as at minute 1? (issue #15)
 *
 * The API as `npm start` runs it with no configuration (embedded PGlite, demo city, live
 * simulator), or on the PostgreSQL server, with a scripted wall client that asks what the wall
 * asks (tiles.json and vector tiles, the on-time rate every 10 s, the change feed, the open
 * events, area labels, registry counts, an event's detail, a token refresh) for SOAK_MINUTES.
 * It prints p50/p99 of the reads per SOAK_WINDOW_MINUTES window and, as the figure, the ratio of
 * the last window's p99 to the first window's (the peer is the same server at its start).
 * Targets: ratio ≤ 1.5, p99 of the polls < 200 ms in every window, 0 errors. The polls are what an
 * open wall keeps asking (on-time rate, change feed, tiles.json and tiles, an event's detail); what
 * opening a wall loads (open cases, area labels, people per grid: large answers) is asked every 5
 * minutes and printed per window beside them, without a target.
 *
 * Settings (environment):
 *   SOAK_MODES          phases to run, "<db>:<rate multiple>", default "embedded:1,embedded:5";
 *                       db = embedded | server (a scratch database on DATABASE_URL's server)
 *   SOAK_MINUTES        length of each phase (default 30)
 *   SOAK_WINDOW_MINUTES window of the p50/p99 table (default 5)
 *   SOAK_API_ENTRY      the API's main.js to run (default dist/api/apps/api/src/main.js; a copy
 *                       lets you rebuild while a long soak runs)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBenchDb, freePort, ROOT, run, verdict } from './support';

const DEFAULT_RATE = 0.5; // SIMULATOR_RATE's default (events per second)
const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const WINDOW_MS = Number(process.env.SOAK_WINDOW_MINUTES ?? 5) * 60_000;
const MODES = (process.env.SOAK_MODES ?? 'embedded:1,embedded:5').split(',').map((m) => {
  const [db, mult] = m.trim().split(':');
  if (db !== 'embedded' && db !== 'server') throw new Error(`SOAK_MODES: unknown database "${db}" (embedded or server)`);
  return { db, mult: Number(mult ?? 1) };
});
const ENTRY = process.env.SOAK_API_ENTRY ?? join(ROOT, 'dist/api/apps/api/src/main.js');
const OPERATOR = { username: 'demo_operator', password: 'demo-operator-2025' };
const OPEN_STATES = 'reported,unplaced,accepted,registered,dispatched,in_progress,handled,verified,returned,rework,extension_requested,deferred,on_account';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  at: number;
  route: string;
  ms: number;
  ok: boolean;
  kind: 'poll' | 'open' | 'write';
  status: number;
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

interface Health {
  status: string;
  reasons?: string[];
  pool?: { counters?: Record<string, number>; jobs?: Record<string, unknown> };
  background?: { name: string; lagMs: number; detail?: Record<string, unknown> }[];
}

/** The API as a child process: embedded (fresh data directory) or on a scratch server database. */
async function startApi(db: 'embedded' | 'server', rate: number) {
  const port = await freePort();
  const flags = JSON.parse(readFileSync(join(ROOT, 'scripts/api-node-flags.json'), 'utf8')) as string[];
  const dataDir = mkdtempSync(join(tmpdir(), 'gc-soak-'));
  const benchDb = db === 'server' ? await createBenchDb('soak') : null;
  const env: Record<string, string | undefined> = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    DEMO: 'on',
    SIMULATOR: 'on',
    SIMULATOR_RATE: String(rate),
    ADMIN_USERNAME: 'soak-admin',
    ADMIN_PASSWORD: 'soak-admin-password',
    LOG_LEVEL: 'warn',
    DATABASE_URL: benchDb?.url,
  };
  if (!benchDb) delete env.DATABASE_URL;
  const t0 = Date.now();
  const child = spawn(process.execPath, [...flags, ENTRY], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d));
  child.stderr!.on('data', (d: Buffer) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  // ready = the simulator runs (the demo city is loaded)
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited:\n${log.slice(-3000)}`);
    if (Date.now() - t0 > 600_000) throw new Error(`API not ready after 10 min:\n${log.slice(-3000)}`);
    try {
      const h = (await (await fetch(`${url}/api/health`)).json()) as Health;
      if (h.background?.some((w) => w.name === 'simulator' && w.detail?.running === 'yes')) break;
    } catch {
      /* not up yet */
    }
    await sleep(250);
  }
  const readyS = (Date.now() - t0) / 1000;
  return {
    url,
    readyS,
    log: () => log,
    async stop() {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(t);
      rmSync(dataDir, { recursive: true, force: true });
      await benchDb?.drop();
    },
  };
}

/** The wall: what apps/wallmap asks, on the wall's own rhythm, for `ms`. */
async function wall(url: string, ms: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  const t0 = Date.now();
  let token = '';
  let refreshToken = '';
  /** kind: `poll` (what an open wall keeps asking: the target), `open` (what opening the wall loads: measured apart), `write` */
  const call = async (route: string, path: string, kind: Sample['kind'] = 'poll', init: RequestInit = {}): Promise<unknown> => {
    const s = performance.now();
    let status = 0;
    let body: unknown = null;
    try {
      const res = await fetch(url + path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) } });
      status = res.status;
      const buf = await res.arrayBuffer();
      if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(Buffer.from(buf).toString('utf8'));
    } catch {
      status = 0;
    }
    samples.push({ at: Date.now() - t0, route, ms: performance.now() - s, ok: status >= 200 && status < 300, kind, status });
    return body;
  };
  const login = (await call('auth/login', '/api/auth/login', 'write', { method: 'POST', body: JSON.stringify(OPERATOR) })) as { accessToken: string; refreshToken: string };
  token = login.accessToken;
  refreshToken = login.refreshToken;
  const tilejson = (await call('areas/tiles.json', '/api/areas/tiles.json')) as { tiles: string[] };
  // the path of the tile URL template (new URL() would escape its braces)
  const template = tilejson.tiles[0].replace(/^https?:\/\/[^/]+/, '');
  const latest = ((await call('changes', '/api/changes?since=0&limit=1')) as { latest: number }).latest;
  let cursor = latest;
  let eventIds: number[] = [];
  const end = t0 + ms;
  // Nanjing's centre ± ~10 km: the tiles a wall shows at close zoom
  const tile = () => {
    const z = 12 + Math.floor(Math.random() * 3);
    const lon = 118.78 + (Math.random() - 0.5) * 0.2;
    const lat = 32.04 + (Math.random() - 0.5) * 0.2;
    const n = 2 ** z;
    const x = Math.floor(((lon + 180) / 360) * n);
    const r = (lat * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
    return template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
  };
  const every = async (periodMs: number, work: () => Promise<void>) => {
    while (Date.now() < end) {
      const s = Date.now();
      await work();
      await sleep(Math.max(0, periodMs - (Date.now() - s)));
    }
  };
  // what opening the wall loads (another wall or console opening): the open cases, area labels, people per grid
  const reload = async () => {
    const page = (await call('events (open)', `/api/events?state=${OPEN_STATES}&limit=1000`, 'open')) as { events?: { id: number }[] } | null;
    eventIds = (page?.events ?? []).map((e) => e.id).slice(0, 200);
    for (const level of ['district', 'street', 'community']) await call('areas/export', `/api/areas/export?level=${level}`, 'open');
    await call('registry/counts', '/api/registry/counts?groupBy=grid', 'open');
  };
  await reload();
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  await Promise.all([
    every(10_000, async () => void (await call('events/on-time', `/api/events/on-time?since=${encodeURIComponent(midnight.toISOString())}`))),
    every(2_000, async () => {
      const r = (await call('changes', `/api/changes?since=${cursor}&limit=500`)) as { changes?: { seq: number }[] } | null;
      const last = r?.changes?.at(-1);
      if (last) cursor = last.seq;
    }),
    every(5_000, async () => {
      await call('areas/tiles.json', '/api/areas/tiles.json');
      await Promise.all([call('tile', tile()), call('tile', tile())]);
    }),
    every(5_000, async () => {
      const id = eventIds[Math.floor(Math.random() * eventIds.length)];
      if (id) await call('events/:id', `/api/events/${id}`);
    }),
    every(300_000, reload),
    every(300_000, async () => {
      const r = (await call('auth/refresh', '/api/auth/refresh', 'write', { method: 'POST', body: JSON.stringify({ refreshToken }) })) as { accessToken?: string; refreshToken?: string } | null;
      if (r?.accessToken && r.refreshToken) {
        token = r.accessToken;
        refreshToken = r.refreshToken;
      }
    }),
  ]);
  return samples;
}

async function phase(db: 'embedded' | 'server', mult: number): Promise<boolean> {
  const rate = DEFAULT_RATE * mult;
  console.log(`\n--- ${db} database, simulator ${rate} events/s (${mult}x the default), ${MINUTES} min ---`);
  const api = await startApi(db, rate);
  console.log(`ready (demo loaded, simulator running) in ${api.readyS.toFixed(1)} s; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const healthSeen = { ok: 0, degraded: 0 };
  let stop = false;
  const healthLoop = (async () => {
    while (!stop) {
      try {
        const h = (await (await fetch(`${api.url}/api/health`)).json()) as Health;
        healthSeen[h.status === 'ok' ? 'ok' : 'degraded']++;
      } catch {
        healthSeen.degraded++;
      }
      await sleep(15_000);
    }
  })();
  let samples: Sample[];
  let final: Health;
  try {
    samples = await wall(api.url, MINUTES * 60_000);
  } finally {
    stop = true;
    await healthLoop;
    final = (await (await fetch(`${api.url}/api/health`)).json().catch(() => ({ status: 'unreachable' }))) as Health;
    await api.stop();
  }
  const windows = Math.max(1, Math.ceil((MINUTES * 60_000) / WINDOW_MS));
  const rows: { p50: number; p99: number; n: number; errors: number }[] = [];
  console.log('window        polls   p50 ms   p99 ms   errors   | opening the wall: n   p99 ms');
  for (let w = 0; w < windows; w++) {
    const inW = samples.filter((s) => s.at >= w * WINDOW_MS && s.at < (w + 1) * WINDOW_MS);
    const polls = inW.filter((s) => s.kind === 'poll' && s.ok).map((s) => s.ms);
    const opens = inW.filter((s) => s.kind === 'open' && s.ok).map((s) => s.ms);
    const row = { p50: pct(polls, 0.5), p99: pct(polls, 0.99), n: polls.length, errors: inW.filter((s) => !s.ok).length };
    rows.push(row);
    const label = `${(w * WINDOW_MS) / 60_000}-${((w + 1) * WINDOW_MS) / 60_000} min`;
    console.log(
      `${label.padEnd(12)} ${String(row.n).padStart(6)} ${row.p50.toFixed(1).padStart(8)} ${row.p99.toFixed(1).padStart(8)} ${String(row.errors).padStart(8)}   | ${String(opens.length).padStart(19)} ${(opens.length ? pct(opens, 0.99).toFixed(0) : '-').padStart(8)}`,
    );
  }
  // the slowest routes of the last window, to see what a miss is made of
  const last = samples.filter((s) => s.at >= (windows - 1) * WINDOW_MS && s.kind === 'poll' && s.ok);
  const byRoute = new Map<string, number[]>();
  for (const s of last) byRoute.set(s.route, [...(byRoute.get(s.route) ?? []), s.ms]);
  console.log(`last window per route (p99 ms): ${[...byRoute].map(([r, xs]) => `${r} ${pct(xs, 0.99).toFixed(0)}`).join(', ')}`);
  const errors = samples.filter((s) => !s.ok);
  if (errors.length) console.log(`errors: ${[...new Set(errors.map((e) => `${e.route} ${e.status}`))].slice(0, 10).join(', ')}`);
  const sim = final.background?.find((w) => w.name === 'simulator')?.detail ?? {};
  console.log(`simulator: ${JSON.stringify(sim)}`);
  const jobs = Object.entries((final.pool?.jobs ?? {}) as Record<string, { holds: number; maxMs: number; maxStatements: number; overTimeBudget?: number }>);
  console.log(`connection holds per job: ${jobs.map(([k, j]) => `${k} ${j.holds} (longest ${j.maxMs} ms, ${j.maxStatements} statements, ${j.overTimeBudget ?? '-'} over the time budget)`).join('; ')}`);
  console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`health during the run: ${healthSeen.ok} ok, ${healthSeen.degraded} degraded; gate counters at the end: ${JSON.stringify(final.pool?.counters ?? {})}`);
  const ratio = rows[rows.length - 1].p99 / rows[0].p99;
  const worst = Math.max(...rows.map((r) => r.p99));
  let pass = verdict(`${db} ${mult}x: last window p99 / first window p99`, ratio <= 1.5, `${ratio.toFixed(2)}x (${rows[rows.length - 1].p99.toFixed(1)} / ${rows[0].p99.toFixed(1)} ms; target ≤ 1.5)`);
  pass = verdict(`${db} ${mult}x: worst window p99 of the wall's polls`, worst < 200, `${worst.toFixed(1)} ms (target < 200 ms)`) && pass;
  pass = verdict(`${db} ${mult}x: errors`, errors.length === 0, `${errors.length} of ${samples.length} requests (target 0)`) && pass;
  return pass;
}

run(async () => {
  let ok = true;
  for (const m of MODES) ok = (await phase(m.db as 'embedded' | 'server', m.mult)) && ok;
  return ok;
});
