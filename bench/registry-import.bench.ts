/**
 * Registry bulk import and per-grid counts (issue 4), on a city of 100k grid cells.
 *
 * 1. Bulk import of 1M places with grid attribution, as a user does it: the 1M-place CSV uploaded
 *    in ONE `POST /api/places/import` (multipart, field `file`, all-or-nothing) to the real API
 *    started as its own process, into the empty `place` table; timed from the request's start to
 *    the report. Then every place is checked to be in its grid. Peer, same run, same machine: plain
 *    COPY (pg-copy-streams) of the same rows, grid columns precomputed, into the same table with its
 *    secondary indexes dropped, followed by building those indexes again. Target: import ≥ 0.6x the
 *    peer's rows/s. Secondary (no target): one further upload of new externalIds into the now
 *    populated table, whose indexes are then kept current row by row, beside the peer's rate.
 * 2. Per-grid counts for a whole district at 1M people: `GET /api/registry/counts?area=<district>&groupBy=grid`
 *    against the raw GROUP BY (grid_code, count) on the same rows. Target: the API under 200 ms.
 *
 * BENCH_SCALE scales places and people; BENCH_EXTRA the further upload (100k rows at scale 1).
 * Run: node scripts/bench.mjs registry-import
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { buildCity, connect, createBenchDb, median, ms, run, scaled, startApi, verdict, type City } from './support';

const IMPORT_TARGET = 0.6;
const COUNTS_TARGET_MS = 200;

/** The i-th place: a deterministic point inside the city, and the cell it falls in. */
function place(city: City, i: number) {
  // A low-discrepancy sequence: points spread evenly, reproducible for both paths.
  const fx = (i * 0.6180339887498949) % 1;
  const fy = (i * 0.7548776662466927) % 1;
  const cx = Math.min(city.cols - 1, Math.floor(fx * city.cols));
  const cy = Math.min(city.rows - 1, Math.floor(fy * city.rows));
  // Keep points off the cell edges so attribution has exactly one answer.
  const lon = city.x0 + (cx + 0.1 + 0.8 * ((fx * city.cols) % 1)) * city.size;
  const lat = city.y0 + (cy + 0.1 + 0.8 * ((fy * city.rows) % 1)) * city.size;
  const d = 1 + (cx >= Math.floor(city.cols / 2) ? 1 : 0) + 2 * (cy >= Math.floor(city.rows / 2) ? 1 : 0);
  return { externalId: `P${i}`, kind: 'building', name: `楼 ${i}`, address: `南京市 测试路 ${i} 号`, lon, lat, code: `G${cx}_${cy}`, path: `C1.D${d}.G${cx}_${cy}` };
}

/**
 * Drop the secondary indexes of `place` and return their definitions. The primary key and the
 * unique external_id stay (foreign keys of person/organization/place hang on the key), so the
 * COPY maintains those two B-trees while loading: the peer is, if anything, slightly slower.
 */
async function dropIndexes(c: Client): Promise<string[]> {
  const { rows } = await c.query(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
      WHERE i.tablename = 'place' AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'place'::regclass)`,
  );
  for (const r of rows) await c.query(`DROP INDEX ${r.indexname}`);
  return rows.map((r: { indexdef: string }) => r.indexdef);
}

async function copyPeer(c: Client, city: City, n: number, gridIds: Map<string, number>): Promise<{ copyMs: number; indexMs: number }> {
  const rebuild = await dropIndexes(c);
  const t0 = process.hrtime.bigint();
  let i = 0;
  const source = Readable.from(
    (function* () {
      while (i < n) {
        let chunk = '';
        for (let k = 0; k < 5000 && i < n; k++, i++) {
          const p = place(city, i);
          chunk += `${p.externalId}\t${p.kind}\t${p.name}\t${p.address}\tSRID=4326;POINT(${p.lon} ${p.lat})\t${gridIds.get(p.code)}\t${p.code}\t${p.path}\n`;
        }
        yield chunk;
      }
    })(),
  );
  await pipeline(source, c.query(copyFrom(`COPY place (external_id, kind, name, address, geom, grid_id, grid_code, area_path) FROM STDIN`)));
  const copyMs = ms(t0);
  const t1 = process.hrtime.bigint();
  for (const sql of rebuild) await c.query(sql);
  return { copyMs, indexMs: ms(t1) };
}

/** Places [from, to) as the CSV a user uploads (header line, one place a line). */
function placesCsv(city: City, from: number, to: number): Buffer {
  const lines = ['externalId,kind,name,address,lon,lat'];
  for (let i = from; i < to; i++) {
    const p = place(city, i);
    lines.push(`${p.externalId},${p.kind},${p.name},${p.address},${p.lon},${p.lat}`);
  }
  return Buffer.from(lines.join('\n') + '\n');
}

/** One multipart upload of `csv` to POST /api/places/import; the report and the time from the request's start to it. */
async function upload(api: { url: string; token: string }, csv: Buffer): Promise<{ report: ImportReport; ms: number }> {
  const boundary = '----bench' + Math.random().toString(16).slice(2);
  const body = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="places.csv"\r\nContent-Type: text/csv\r\n\r\n`), csv, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const t = process.hrtime.bigint();
  const res = await fetch(`${api.url}/api/places/import?mode=all-or-nothing`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
  });
  const text = await res.text();
  const took = ms(t);
  if (res.status !== 200) throw new Error(`import: ${res.status} ${text.slice(0, 300)}`);
  const report = JSON.parse(text) as ImportReport;
  if (!report.committed) throw new Error(`import not committed: ${JSON.stringify(report.errors.slice(0, 3))}`);
  return { report, ms: took };
}

interface ImportReport {
  total: number;
  inserted: number;
  updated: number;
  rejected: number;
  committed: boolean;
  errors: unknown[];
}

/** Peak resident memory of a process (VmHWM, Linux), in MiB; 0 when it cannot be read. */
function peakRssMiB(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); 0 when it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/**
 * CPU used while `work` runs by the API process and by the database's backends (other than `c`'s),
 * sampled every 200 ms (a backend that exits between samples loses its last 200 ms).
 */
async function cpuDuring<T>(c: Client, apiPid: number, work: Promise<T>): Promise<{ result: T; api: number; db: number }> {
  const api0 = cpuSeconds(apiPid);
  const seen = new Map<number, { first: number; last: number }>();
  const sample = async () => {
    const { rows } = await c.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    for (const { pid } of rows as { pid: number }[]) {
      const t = cpuSeconds(pid);
      const s = seen.get(pid);
      if (s) s.last = t;
      else seen.set(pid, { first: t, last: t });
    }
  };
  await sample();
  let done = false;
  const poll = (async () => {
    while (!done) {
      await new Promise((r) => setTimeout(r, 200));
      await sample();
    }
  })();
  try {
    return { result: await work, api: cpuSeconds(apiPid) - api0, db: [...seen.values()].reduce((a, s) => a + s.last - s.first, 0) };
  } finally {
    done = true;
    await poll;
  }
}

/** Where the database's time went since the last reset: the statements of this database by total time (pg_stat_statements, when the server has it). */
async function statementTimes(c: Client): Promise<string> {
  try {
    const { rows } = await c.query(
      `SELECT regexp_replace(left(regexp_replace(query, '\\s+', ' ', 'g'), 48), '\\s+$', '') AS q, calls, total_exec_time AS ms
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT 8`,
    );
    return rows.map((r: { q: string; calls: number; ms: number }) => `${(r.ms / 1000).toFixed(2)} s ×${r.calls} ${r.q}`).join('\n    ');
  } catch {
    return '(pg_stat_statements not available)';
  }
}

async function main(): Promise<void> {
  const db = await createBenchDb('import');
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  try {
    const c = await connect(db.url);
    const city = await buildCity(c, scaled(100000, 100));
    const n = scaled(1000000, 1000);
    const extra = Number(process.env.BENCH_EXTRA ?? scaled(100000, 100));
    const gridIds = new Map<string, number>((await c.query(`SELECT code, id::int FROM area WHERE level = 'grid' AND valid_to IS NULL`)).rows.map((r: { code: string; id: number }) => [r.code, r.id]));
    const csv = placesCsv(city, 0, n);
    console.log(`city: ${city.cells} grid cells; ${n} places, CSV ${(csv.length / 1048576).toFixed(1)} MiB`);

    // Peer: COPY + index build, on the empty table.
    const peer = await copyPeer(c, city, n, gridIds);
    const peerMs = peer.copyMs + peer.indexMs;
    const peerRate = n / (peerMs / 1000);
    console.log(`peer COPY ${n} rows: ${(peer.copyMs / 1000).toFixed(2)} s + building place's indexes ${(peer.indexMs / 1000).toFixed(2)} s = ${peerRate.toFixed(0)} rows/s`);
    await c.query(`TRUNCATE place RESTART IDENTITY CASCADE`);
    await c.query(`VACUUM ANALYZE place`);

    // Ours: the API as its own process (as `npm start` runs it), the whole CSV in one upload into the empty table.
    api = await startApi(db.url);
    const stats = await c
      .query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`)
      .then(() => c.query(`SELECT pg_stat_statements_reset()`))
      .then(
        () => true,
        () => false,
      );
    const { result: ours, api: apiCpu, db: dbCpu } = await cpuDuring(c, api.pid, upload(api, csv));
    const {
      rows: [chk],
    } = await c.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE grid_code = 'G' || least(floor((ST_X(geom) - $1) / $3)::int, $4 - 1) || '_' || least(floor((ST_Y(geom) - $2) / $3)::int, $5 - 1))::int AS right FROM place`,
      [city.x0, city.y0, city.size, city.cols, city.rows],
    );
    const rate = n / (ours.ms / 1000);
    console.log(
      `API  POST /api/places/import, one upload of ${n} rows into the empty table: ${ours.report.inserted} inserted, ${ours.report.rejected} rejected in ${(ours.ms / 1000).toFixed(2)} s = ${rate.toFixed(0)} rows/s; ` +
        `${chk.right}/${chk.n} in the right grid; API process peak RSS ${peakRssMiB(api.pid).toFixed(0)} MiB`,
    );
    console.log(`  CPU during the upload: API process ${apiCpu.toFixed(1)} s, its PostgreSQL backends ${dbCpu.toFixed(1)} s (two cores: ${((2 * ours.ms) / 1000).toFixed(1)} s available)`);
    if (stats) console.log(`  database time by statement (pg_stat_statements; the import's two connections overlap):\n    ${await statementTimes(c)}`);
    if (chk.n !== n || chk.right !== n) throw new Error('import did not attribute every place to its cell');
    const ratio = rate / peerRate;
    verdict('import rate / COPY + index build rate', ratio >= IMPORT_TARGET, `${ratio.toFixed(3)}x (target ≥ ${IMPORT_TARGET}x)`);

    // Secondary, no target: a further upload of new externalIds into the populated table (the
    // table's indexes kept current row by row), beside the peer's rate of the bulk load above.
    if (extra > 0) {
      const more = await upload(api, placesCsv(city, n, n + extra));
      const moreRate = extra / (more.ms / 1000);
      console.log(
        `secondary (no target): a further upload of ${extra} new places into the populated table (${n} rows, indexes kept current): ${(more.ms / 1000).toFixed(2)} s = ${moreRate.toFixed(0)} rows/s, ` +
          `${(moreRate / peerRate).toFixed(2)}x the peer's bulk-load rate (${more.report.inserted} inserted)`,
      );
    }

    // Counts: 1M people in district D1 (generated in SQL, attributed by arithmetic).
    const people = scaled(1000000, 1000);
    const hc = Math.floor(city.cols / 2);
    const hr = Math.floor(city.rows / 2);
    await c.query(
      `INSERT INTO person (name, household_no, registration, geom, grid_id, grid_code, area_path)
       SELECT '居民' || k, 'H' || (k / 3), CASE WHEN k % 5 = 0 THEN 'floating' ELSE 'registered' END,
              ST_SetSRID(ST_MakePoint(pt.lon, pt.lat), 4326), a.id, a.code, a.path
         FROM generate_series(1, $1::int) k
        CROSS JOIN LATERAL (SELECT $2::float8 + random() * ($4::int * $6::float8) AS lon, $3::float8 + random() * ($5::int * $6::float8) AS lat, k AS kk) pt
         JOIN area a ON a.code = 'G' || least(floor((pt.lon - $2) / $6)::int, $4 - 1) || '_' || least(floor((pt.lat - $3) / $6)::int, $5 - 1)
                    AND a.valid_from IS NOT NULL AND a.valid_to IS NULL`,
      [people, city.x0, city.y0, hc, hr, city.size],
    );
    // Steady state for both sides, as autovacuum would leave it: the records the raw GROUP BY reads
    // and the per-grid counters the API reads (a million-row statement just rewrote them).
    for (const t of ['person', 'place', 'registry_grid_count']) await c.query(`VACUUM ANALYZE ${t}`);
    const { url: base, token } = api;
    const apiTimes: number[] = [];
    const rawTimes: number[] = [];
    let grids = 0;
    let rawGrids = 0;
    for (let r = 0; r < 5; r++) {
      let t = process.hrtime.bigint();
      const res = await fetch(`${base}/api/registry/counts?area=D1&groupBy=grid`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { grids: { people: number }[] };
      apiTimes.push(ms(t));
      if (res.status !== 200) throw new Error(`counts: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      grids = body.grids.length;
      t = process.hrtime.bigint();
      const raw = await c.query(`SELECT grid_code, count(*)::int AS n FROM person WHERE area_path <@ 'C1.D1'::ltree GROUP BY grid_code`);
      rawTimes.push(ms(t));
      rawGrids = raw.rowCount ?? 0;
    }
    await c.end();
    const apiMs = median(apiTimes);
    console.log(`people in D1: ${people}; grids with counts: API ${grids}, raw ${rawGrids}`);
    console.log(`API  GET /api/registry/counts?area=D1&groupBy=grid: ${apiMs.toFixed(0)} ms (runs: ${apiTimes.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`raw  SELECT grid_code, count(*) … GROUP BY grid_code: ${median(rawTimes).toFixed(0)} ms (runs: ${rawTimes.map((x) => x.toFixed(0)).join(', ')})`);
    verdict('per-grid counts of a district at 1M people', apiMs < COUNTS_TARGET_MS, `${apiMs.toFixed(0)} ms (target < ${COUNTS_TARGET_MS} ms; raw GROUP BY ${median(rawTimes).toFixed(0)} ms)`);
  } finally {
    await api?.stop();
    await db.drop();
  }
}

run(main);
