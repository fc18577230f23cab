/**
 * The field (issue 20), two comparisons, each against a peer measured in the same run:
 *
 * 1. Position ingest: `POST /api/field/positions` on the real API process (auth guard, zod, the
 *    worker check, the one-statement ingest with its batch-key claim, latest-position move with grid
 *    attribution, the `worker.position` outbox row, the commit) against the peer, a bare Fastify +
 *    pg app doing a raw multi-row INSERT of the same positions into worker_position. Each request is
 *    one phone's batch of 3 positions (30 s at one fix per 10 s), with its own Idempotency-Key.
 *    Target: API ≥ 0.5x the peer's batches/s.
 * 2. Nearest available worker among 5,000: `GET /api/workers?near=&available=true&limit=10` against
 *    the bare KNN (`ORDER BY geom <-> point LIMIT 10` on worker_latest) behind a bare Fastify + pg app.
 *    Target: API ≥ 0.7x the peer's requests/s.
 *
 * 5,000 grid worker accounts with a latest position each (inserted with SQL, one password hash);
 * BENCH_SENDERS (100) of them sign in and send. BENCH_CONNECTIONS (16); API and peer alternate,
 * BENCH_ROUNDS (3) rounds of BENCH_SECONDS (5) each, and the median round of each side counts.
 * Run: node scripts/bench.mjs field-positions
 */
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { Pool } from 'pg';
import { buildCity, connect, createBenchDb, run, scaled, startApi, startPeer, verdict } from './support';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** API and peer alternate, ROUNDS each (the machine's load moves from one minute to the next); the median round counts. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORKERS = scaled(5000, 50);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 100);
const PASSWORD = 'bench-worker-password-1';

async function peer(port: number, databaseUrl: string): Promise<void> {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  // The raw multi-row INSERT of a batch: VALUES (..), (..), (..) with parameters.
  app.post('/ingest', async (req, reply) => {
    const { worker, positions } = req.body as { worker: number; positions: { at: string; lon: number; lat: number; accuracy: number }[] };
    const values: string[] = [];
    const params: unknown[] = [];
    for (const p of positions) {
      const i = params.length;
      values.push(`($${i + 1}, $${i + 2}::timestamptz, $${i + 3}::real, ST_SetSRID(ST_MakePoint($${i + 4}, $${i + 5}), 4326))`);
      params.push(worker, p.at, p.accuracy, p.lon, p.lat);
    }
    await pool.query(`INSERT INTO worker_position (worker_id, at, accuracy, geom) VALUES ${values.join(', ')}`, params);
    return reply.code(202).send({ accepted: positions.length });
  });
  app.get('/knn', async (req) => {
    const q = req.query as { lon?: string; lat?: string };
    const { rows } = await pool.query(
      `SELECT worker_id::int AS id, ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS d
         FROM worker_latest ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT 10`,
      [Number(q.lon ?? 0), Number(q.lat ?? 0)],
    );
    return { workers: rows };
  });
  await app.listen({ port, host: '127.0.0.1' });
}

async function post(url: string, body: () => { path: string; body: string; headers: Record<string, string> }) {
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: autocannon.Request) => {
          const b = body();
          return { ...req, path: b.path, body: b.body, headers: { 'content-type': 'application/json', ...b.headers } };
        },
      },
    ],
  });
  return { rps: r['2xx'] / SECONDS, non2xx: r.non2xx, errors: r.errors, p99: r.latency.p99 };
}

async function get(url: string, path: () => string, headers: Record<string, string> = {}) {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, requests: [{ method: 'GET', setupRequest: (req: autocannon.Request) => ({ ...req, path: path(), headers }) }] });
  return { rps: r['2xx'] / SECONDS, non2xx: r.non2xx, errors: r.errors, p99: r.latency.p99 };
}

type Run = Awaited<ReturnType<typeof get>>;

/** ROUNDS rounds, API then peer in each; each side's median round by rate (non-2xx summed over all). */
async function alternate(label: string, api: () => Promise<Run>, peer: () => Promise<Run>): Promise<[Run, Run]> {
  const a: Run[] = [];
  const b: Run[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(await api());
    b.push(await peer());
    console.log(`${label} round ${r + 1}: API ${a[r].rps.toFixed(0)}/s, peer ${b[r].rps.toFixed(0)}/s   load average ${loadavg()[0].toFixed(1)}`);
  }
  const mid = (xs: Run[]) => ({ ...[...xs].sort((x, y) => x.rps - y.rps)[Math.floor(xs.length / 2)], non2xx: xs.reduce((t, x) => t + x.non2xx, 0) });
  return [mid(a), mid(b)];
}

async function main(): Promise<boolean> {
  const db = await createBenchDb('field');
  const servers: { stop(): Promise<void> }[] = [];
  try {
    const c = await connect(db.url);
    const city = await buildCity(c, scaled(20000, 100));
    const api = await startApi(db.url);
    servers.push(api);
    // One account made by the API (its password hash), copied to the other workers with SQL.
    const made = await fetch(`${api.url}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
      body: JSON.stringify({ username: 'gw1', password: PASSWORD, roles: ['grid_worker'], jurisdiction: '*' }),
    });
    if (made.status !== 201) throw new Error(`create gw1: ${made.status} ${await made.text()}`);
    // 5,000 grid workers spread over the city, each with a latest position ten seconds old (all available).
    await c.query(
      `WITH h AS (SELECT password_hash FROM app_user WHERE username = 'gw1'),
       more AS (
         INSERT INTO app_user (username, display_name, password_hash, roles, jurisdiction_code)
         SELECT 'gw' || i, '网格员' || i, (SELECT password_hash FROM h), ARRAY['grid_worker'], '*' FROM generate_series(2, $1) i
       )
       SELECT 1`,
      [WORKERS],
    );
    await c.query(
      `INSERT INTO worker_latest (worker_id, at, accuracy, geom, area_path)
       SELECT u.id, now() - interval '10 seconds', 5, p.geom,
              (SELECT a.path FROM area_part ap JOIN area a ON a.id = ap.area_id WHERE ap.geom && p.geom AND ST_Intersects(ap.geom, p.geom) AND a.level = 'grid' AND a.valid_to IS NULL LIMIT 1)
         FROM app_user u, LATERAL (SELECT ST_SetSRID(ST_MakePoint($1::float8 + random() * ($2::float8 - $1::float8), $3::float8 + random() * ($4::float8 - $3::float8) + u.id * 0), 4326) AS geom) p
        WHERE u.username LIKE 'gw%'`,
      [city.x0, city.x1, city.y0, city.y1],
    );
    const ids = (await c.query(`SELECT id::int FROM app_user WHERE username LIKE 'gw%' ORDER BY id LIMIT $1`, [SENDERS])).rows.map((r) => r.id as number);
    await c.end();
    console.log(`city: ${city.cells} grid cells; ${WORKERS} grid workers with a latest position; ${ids.length} senders`);

    const bare = await startPeer(__filename, db.url, '/knn?lon=0&lat=0');
    servers.push(bare);
    const tokens: string[] = [];
    for (let i = 1; i <= ids.length; i++) {
      const res = await fetch(`${api.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `gw${i}`, password: PASSWORD }) });
      if (res.status !== 200) throw new Error(`login gw${i}: ${res.status}`);
      tokens.push(((await res.json()) as { accessToken: string }).accessToken);
    }
    const batch = () => {
      const lon = city.x0 + Math.random() * (city.x1 - city.x0);
      const lat = city.y0 + Math.random() * (city.y1 - city.y0);
      const t = Date.now();
      return [0, 1, 2].map((k) => ({ at: new Date(t - (2 - k) * 10_000).toISOString(), lon: lon + k * 0.0001, lat, accuracy: 8 }));
    };
    let n = 0;
    const ingestApi = () =>
      post(api.url, () => {
        const k = n++ % tokens.length;
        return { path: '/api/field/positions', body: JSON.stringify({ positions: batch() }), headers: { authorization: `Bearer ${tokens[k]}`, 'idempotency-key': `b-${n}-${Math.random()}` } };
      });
    const ingestPeer = () => post(bare.url, () => ({ path: '/ingest', body: JSON.stringify({ worker: ids[n++ % ids.length], positions: batch() }), headers: {} }));
    const [apiIngest, peerIngest] = await alternate('ingest', ingestApi, ingestPeer);
    const point = () => `lon=${(city.x0 + Math.random() * (city.x1 - city.x0)).toFixed(6)}&lat=${(city.y0 + Math.random() * (city.y1 - city.y0)).toFixed(6)}`;
    // Keep the 5,000 available during the nearest-worker runs (the ingest moved only the senders).
    const c2 = await connect(db.url);
    await c2.query(`UPDATE worker_latest SET at = now()`);
    await c2.end();
    const [apiNear, peerNear] = await alternate(
      'nearest',
      () => get(api.url, () => `/api/workers?near=${point().replace('lon=', '').replace('&lat=', ',')}&available=true&limit=10`, { authorization: `Bearer ${api.token}` }),
      () => get(bare.url, () => `/knn?${point()}`),
    );

    console.log(`ingest  API ${apiIngest.rps.toFixed(0)} batches/s (${(apiIngest.rps * 3).toFixed(0)} positions/s, p99 ${apiIngest.p99} ms, non-2xx ${apiIngest.non2xx}, errors ${apiIngest.errors})`);
    console.log(`ingest  peer ${peerIngest.rps.toFixed(0)} batches/s (p99 ${peerIngest.p99} ms, non-2xx ${peerIngest.non2xx})`);
    console.log(`nearest API ${apiNear.rps.toFixed(0)} req/s (p99 ${apiNear.p99} ms, non-2xx ${apiNear.non2xx}); bare KNN ${peerNear.rps.toFixed(0)} req/s (p99 ${peerNear.p99} ms)`);
    const need = WORKERS / 10;
    const a = verdict(
      'position ingest vs raw multi-row INSERT',
      apiIngest.rps >= 0.5 * peerIngest.rps,
      `${(apiIngest.rps / peerIngest.rps).toFixed(2)}x (target ≥ 0.5x); ${WORKERS} workers every 10 s need ${need} batches/s`,
    );
    const b = verdict('nearest available worker vs bare KNN', apiNear.rps >= 0.7 * peerNear.rps, `${(apiNear.rps / peerNear.rps).toFixed(2)}x (target ≥ 0.7x)`);
    return a && b && apiIngest.non2xx === 0 && apiNear.non2xx === 0;
  } finally {
    for (const s of servers) await s.stop();
    await db.drop();
  }
}

run(main, peer);
