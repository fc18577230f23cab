/**
 * Shared pieces of the server-side benchmarks (not a benchmark itself: scripts/bench.mjs
 * transpiles it next to them and runs only *.bench.ts).
 *
 * - a scratch database per benchmark (gc_bench_<name>_<pid>), migrated from the built API, dropped at the end;
 * - a synthetic city generated inside PostGIS: one city, four districts (quadrants), N square grid
 *   cells under them, published, with their area_part pieces;
 * - the real API as a child process (node dist/api/apps/api/src/main.js) and an admin token;
 * - autocannon runs and the PASS/MISS line.
 *
 * Everything talks to 127.0.0.1 only. BENCH_SCALE (default 1) shrinks the data for quick runs.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';

export const ROOT = resolve(__dirname, '../..');
export const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const SCALE = Number(process.env.BENCH_SCALE ?? 1);
export const ADMIN = { username: 'bench-admin', password: 'bench-admin-password-1' };

export const scaled = (n: number, min = 1) => Math.max(min, Math.round(n * SCALE));

export function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export async function connect(url: string): Promise<Client> {
  const c = new Client({ connectionString: url, application_name: 'gc-bench' });
  c.on('error', () => undefined); // a dropped bench database ends its sessions; the failing query reports it
  await c.connect();
  return c;
}

export interface BenchDb {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Create gc_bench_<name>_<pid> and run the API's migrations on it (as test/support/global-setup.js does). */
export async function createBenchDb(name: string): Promise<BenchDb> {
  const db = `gc_bench_${name}_${process.pid}`;
  const admin = await connect(BASE_URL);
  await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const url = withDb(BASE_URL, db);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DataSource } = require('typeorm');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { dataSourceOptions } = require(join(ROOT, 'dist/api/apps/api/src/core/database/data-source-options.js'));
  const ds = new DataSource(dataSourceOptions(url, 1));
  await ds.initialize();
  await ds.query('CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS ltree; CREATE EXTENSION IF NOT EXISTS pg_trgm;');
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  return {
    name: db,
    url,
    async drop() {
      // BENCH_KEEP_DB=1 keeps the database for EXPLAIN ANALYZE afterwards.
      if (process.env.BENCH_KEEP_DB) return console.log(`kept database ${db}`);
      const c = await connect(BASE_URL);
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The synthetic city: extent in degrees around Nanjing, cell size, district codes. */
export interface City {
  versionId: number;
  cells: number;
  cols: number;
  rows: number;
  x0: number;
  y0: number;
  size: number;
  x1: number;
  y1: number;
  districts: string[];
}

export const CITY_X0 = 118.5;
export const CITY_Y0 = 31.8;
export const CELL_DEG = 0.002; // ≈ 190 m × 220 m, a typical urban grid cell

/**
 * A published city of `cells` square grid cells (cols × rows ≈ cells), generated in one
 * statement each inside PostGIS: city C1 → districts D1..D4 (quadrants) → grids G<i>_<j>.
 */
export async function buildCity(c: Client, cells: number): Promise<City> {
  const cols = Math.max(2, Math.round(Math.sqrt(cells)));
  const rows = Math.max(2, Math.round(cells / cols));
  const size = CELL_DEG;
  const x0 = CITY_X0;
  const y0 = CITY_Y0;
  const x1 = x0 + cols * size;
  const y1 = y0 + rows * size;
  const hc = Math.floor(cols / 2);
  const hr = Math.floor(rows / 2);
  const {
    rows: [{ id }],
  } = await c.query(`INSERT INTO area_version (level, status, label, published_at, published_by) VALUES ('grid', 'published', 'bench city', now() - interval '1 day', 'bench') RETURNING id::int`);
  // Rows valid from the version's publication time exactly (tiles ask for the rows valid then).
  await c.query(`SELECT set_config('gc.bench_at', published_at::text, false) FROM area_version WHERE id = $1`, [id]);
  // City and districts: rectangles whose edges are the same float expressions as the cells' edges.
  await c.query(
    `INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, valid_from)
     SELECT $1::bigint, 'C1', 'bench city', 'city', NULL, 'C1'::ltree, ST_Multi(ST_MakeEnvelope($2::float8 + 0 * $4::float8, $3::float8 + 0 * $4, $2 + $5::int * $4, $3 + $6::int * $4, 4326)), 0, current_setting('gc.bench_at')::timestamptz
     UNION ALL
     SELECT $1::bigint, 'D' || d, 'bench district ' || d, 'district', 'C1', ('C1.D' || d)::ltree,
            ST_Multi(ST_MakeEnvelope($2 + ci0 * $4, $3 + ri0 * $4, $2 + ci1 * $4, $3 + ri1 * $4, 4326)), 0, current_setting('gc.bench_at')::timestamptz
       FROM (VALUES (1, 0, $7::int, 0, $8::int), (2, $7::int, $5::int, 0, $8::int), (3, 0, $7::int, $8::int, $6::int), (4, $7::int, $5::int, $8::int, $6::int)) q(d, ci0, ci1, ri0, ri1)`,
    [id, x0, y0, size, cols, rows, hc, hr],
  );
  await c.query(
    `INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, valid_from, generated)
     SELECT $1::bigint, 'G' || i || '_' || j, 'grid ' || i || '/' || j, 'grid', 'D' || d, ('C1.D' || d || '.G' || i || '_' || j)::ltree,
            ST_Multi(ST_MakeEnvelope($2::float8 + i * $4::float8, $3::float8 + j * $4, $2 + (i + 1) * $4, $3 + (j + 1) * $4, 4326)), 0, current_setting('gc.bench_at')::timestamptz, true
       FROM generate_series(0, $5::int - 1) i, generate_series(0, $6::int - 1) j,
            LATERAL (SELECT 1 + (i >= $7::int)::int + 2 * (j >= $8::int)::int AS d) dd`,
    [id, x0, y0, size, cols, rows, hc, hr],
  );
  await c.query(`UPDATE area SET area_m2 = ST_Area(geom::geography) WHERE version_id = $1`, [id]);
  await c.query(`INSERT INTO area_part (area_id, geom) SELECT id, ST_Subdivide(geom, 64) FROM area WHERE version_id = $1`, [id]);
  for (const t of ['area', 'area_part', 'area_version']) await c.query(`VACUUM ANALYZE ${t}`);
  return { versionId: id, cells: cols * rows, cols, rows, x0, y0, size, x1, y1, districts: ['D1', 'D2', 'D3', 'D4'] };
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const a = probe.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      probe.close(() => ok(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function waitFor(url: string, child: ChildProcess, log: () => string, timeoutMs = 120000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited before it answered:\n${log()}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server not up after ${timeoutMs} ms:\n${log()}`);
    await sleep(100);
  }
}

function stopper(child: ChildProcess) {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10000);
    await gone;
    clearTimeout(t);
  };
}

/** The API's settings in every benchmark: no demo, quiet, a known admin, no background sweeps. */
export const API_ENV = {
  DEMO: 'off',
  SIMULATOR: 'off',
  LOG_LEVEL: 'error',
  ADMIN_USERNAME: ADMIN.username,
  ADMIN_PASSWORD: ADMIN.password,
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret-12',
  PII_KEY: 'b'.repeat(64),
  RATE_LIMIT_LOGIN_PER_MINUTE: '10000',
  ESCALATION_SWEEP_SECONDS: '0',
};

/** The real API as a user starts it, on a free loopback port, with a bench admin. */
export async function startApi(databaseUrl: string, env: Record<string, string> = {}): Promise<Server & { token: string }> {
  const port = await freePort();
  // The V8 flags `npm start` and the Docker image give the API (scripts/api-node-flags.json), then
  // BENCH_API_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to see where the API's time goes.
  const nodeArgs = [...(JSON.parse(readFileSync(join(ROOT, 'scripts/api-node-flags.json'), 'utf8')) as string[]), ...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/api/apps/api/src/main.js')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      ...API_ENV,
      DB_POOL_SIZE: '10',
      ...env,
    },
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d));
  child.stderr!.on('data', (d: Buffer) => (log += d));
  // BENCH_API_LOG=1 passes the API's output through (it is kept for the error message otherwise).
  if (process.env.BENCH_API_LOG) {
    child.stdout!.pipe(process.stderr);
    child.stderr!.pipe(process.stderr);
  }
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/api/health`, child, () => log);
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const token = ((await res.json()) as { accessToken: string }).accessToken;
  return { url, pid: child.pid!, token, stop: stopper(child) };
}

/**
 * A peer server: this same bench file forked with `--peer <port> <databaseUrl>`; the bench's
 * peer branch listens on the port. Answers on `readyPath` when up.
 */
export async function startPeer(file: string, databaseUrl: string, readyPath: string): Promise<Server> {
  const port = await freePort();
  const child = fork(file, ['--peer', String(port), databaseUrl], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d));
  child.stderr!.on('data', (d: Buffer) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}${readyPath}`, child, () => log);
  return { url, pid: child.pid!, stop: stopper(child) };
}

export interface LoadResult {
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
}

/** autocannon with a request generator; counts only 2xx answers in the rate. */
export async function load(opts: { url: string; connections: number; seconds: number; path: () => string; headers?: Record<string, string> }): Promise<LoadResult> {
  const r = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [{ method: 'GET', setupRequest: (req: autocannon.Request) => ({ ...req, path: opts.path(), headers: { ...(opts.headers ?? {}) } }) }],
  });
  return { rps: r['2xx'] / opts.seconds, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors, p50: r.latency.p50, p99: r.latency.p99 };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One line per target: figure, target and PASS/MISS. */
export function verdict(label: string, pass: boolean, detail: string): boolean {
  console.log(`${pass ? 'PASS' : 'MISS'}  ${label}: ${detail}`);
  return pass;
}

export function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Run `main` unless this process is the forked peer; exit code 1 on error. */
export function run(main: () => Promise<boolean | void>, peer?: (port: number, databaseUrl: string) => Promise<void>): void {
  const i = process.argv.indexOf('--peer');
  const go = i >= 0 && peer ? peer(Number(process.argv[i + 1]), process.argv[i + 2]) : main().then((ok) => void (ok === false && (process.exitCode = 1)));
  go.catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
