/**
 * Event intake (issue 5): POST /api/events — validation, Idempotency-Key, grid attribution,
 * event + transition log + audit + outbox in one transaction — against its peer, pgbench's
 * single-row INSERT into the same `event` table (geometry column, GiST index), same client count.
 * Targets: API rate ≥ 0.25x the pgbench rate, p99 < 50 ms, zero duplicates when 10% of requests
 * are retries (same key, same body).
 *
 * Needs a PostgreSQL server with PostGIS (BENCH_DATABASE_URL, else DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/postgres) and `pgbench` on PATH; the API must be built
 * (node scripts/build.mjs api). A scratch database is created and dropped.
 * BENCH_CONNECTIONS (8), BENCH_SECONDS (8). Run: node scripts/bench.mjs event-intake
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';

const root = resolve(__dirname, '../..');
const BASE = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const RETRY_SHARE = 0.1;

const withDb = (url: string, db: string) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};

async function sql(url: string, text: string, params: unknown[] = []) {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
}

async function main() {
  const db = `gc_bench_intake_${Date.now().toString(36)}`;
  await sql(BASE, `CREATE DATABASE ${db}`);
  const url = withDb(BASE, db);
  await sql(url, 'CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS ltree; CREATE EXTENSION IF NOT EXISTS pg_trgm;');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadConfig } = require(join(root, 'dist/api/apps/api/src/core/config/config.js'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createApp } = require(join(root, 'dist/api/apps/api/src/core/boot/create-app.js'));
  const config = loadConfig({
    DATABASE_URL: url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    DEMO: 'off',
    SIMULATOR: 'off',
    ADMIN_USERNAME: 'bench-admin',
    ADMIN_PASSWORD: 'bench-admin-password',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-12',
    PII_KEY: 'b'.repeat(64),
    ESCALATION_SWEEP_SECONDS: '0',
    DB_POOL_SIZE: String(Math.max(CONNECTIONS, 10)),
  });
  const running = await createApp(config);
  try {
    await running.app.listen({ port: 0, host: '127.0.0.1' });
    const address = running.app.getHttpServer().address();
    const base = `http://127.0.0.1:${address.port}`;
    await sql(url, `WITH v AS (INSERT INTO area_version (level, status, published_at) VALUES ('grid', 'published', now()) RETURNING id),
      a AS (INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, valid_from)
            SELECT v.id, 'BG' || i, 'bench grid ' || i, 'grid', NULL, ('BG' || i)::ltree,
                   ST_Multi(ST_MakeEnvelope(118.70 + (i % 10) * 0.01, 32.00 + (i / 10) * 0.01, 118.71 + (i % 10) * 0.01, 32.01 + (i / 10) * 0.01, 4326)), 1e6, now() - interval '1 day'
              FROM v, generate_series(0, 99) i RETURNING id, geom)
      INSERT INTO area_part (area_id, geom) SELECT id, (ST_Dump(geom)).geom FROM a`);
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-admin', password: 'bench-admin-password' }) });
    const token = ((await login.json()) as { accessToken: string }).accessToken;

    // Peer: pgbench single-row INSERT into the same table, same number of clients.
    const dir = mkdtempSync(join(tmpdir(), 'gc-bench-'));
    const script = join(dir, 'insert.sql');
    writeFileSync(
      script,
      `\\set x random(0, 99999)
INSERT INTO event (title, category_code, urgency, source, state, geom, grid_code, area_path)
VALUES ('bench', 'noise', 'normal', 'system', 'reported', ST_SetSRID(ST_MakePoint(118.70 + :x / 1000000.0, 32.0 + :x / 1000000.0), 4326), 'BG0', 'BG0');\n`,
    );
    const pg = spawnSync('pgbench', ['-n', '-c', String(CONNECTIONS), '-j', '2', '-T', String(SECONDS), '-f', script, url], { encoding: 'utf8' });
    const tps = Number(/tps = ([0-9.]+)/.exec(pg.stdout)?.[1] ?? NaN);
    if (!Number.isFinite(tps)) throw new Error(`pgbench failed: ${pg.stderr || pg.stdout}`);
    await sql(url, `DELETE FROM event WHERE title = 'bench'`);

    // API: unique keys, 10% of requests repeat an earlier key with the same body.
    const sent: { key: string; body: string }[] = [];
    const keys = new Set<string>();
    const result = await autocannon({
      url: `${base}/api/events`,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          setupRequest: (req: autocannon.Request) => {
            let item: { key: string; body: string };
            if (sent.length > 20 && Math.random() < RETRY_SHARE) item = sent[Math.floor(Math.random() * sent.length)];
            else {
              const x = Math.random();
              item = { key: randomUUID(), body: JSON.stringify({ title: '井盖缺失', category: 'manhole_cover_missing', lon: 118.7 + x * 0.099, lat: 32.0 + Math.random() * 0.099, source: 'hotline' }) };
              sent.push(item);
            }
            keys.add(item.key);
            return { ...req, body: item.body, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': item.key } };
          },
        },
      ],
    });
    const [{ n }] = await sql(url, `SELECT count(*)::int AS n FROM event`);
    const ok = result['2xx'];
    const rate = ok / SECONDS;
    const ratio = rate / tps;
    const p99 = result.latency.p99;
    const duplicates = n - Math.min(keys.size, n);
    console.log(`pgbench single-row INSERT (${CONNECTIONS} clients): ${tps.toFixed(0)}/s`);
    console.log(`POST /api/events (${CONNECTIONS} connections): ${rate.toFixed(0)}/s (${ok} ok, ${result.non2xx} non-2xx, ${result.errors} errors), p99 ${p99} ms`);
    console.log(`ratio ${ratio.toFixed(3)} (target ≥ 0.25); events ${n} for ${keys.size} distinct keys → duplicates ${duplicates}`);
    const pass = ratio >= 0.25 && p99 < 50 && duplicates === 0 && result.non2xx === 0;
    console.log(pass ? 'PASS' : 'FAIL');
    process.exitCode = pass ? 0 : 1;
  } finally {
    await running.close();
    await sql(BASE, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
