/**
 * Supervision indicators at city scale (issue 19): a year of 1M cases in a hierarchy shaped like the
 * demo's (1 city → 6 districts → 79 streets → 710 communities → 2,710 grids), with their log
 * (~7 entries a case), summonses, evaluations, rework, late and open overdue cases.
 *
 * Ours: every indicator grouped by street for a quarter from the daily facts (sv_daily), the
 *   statement GET /api/indicators runs (IndicatorsRepository.fromDaily), and the whole API request.
 * Peer: the same facts computed by GROUP BY over the raw case tables (event, event_transition,
 *   summons, the repeat probe on event) for the cases reported in that quarter — the one definition
 *   (caseFactsSql) summed per street, no facts table.
 * Both in the same run, on the same connection; the bench checks every street's every measure and
 * every indicator value are identical. Target: ours ≥ 10x faster.
 * Also: rebuilding the facts of 1M cases (set-based, SupervisionFactsService.rebuild's statements), the facts worker's incremental cost per case,
 * and one warnings evaluation (target: evaluated every minute, < 5 % of one core).
 * BENCH_SCALE scales the case count. Run: node scripts/bench.mjs supervision-indicators
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { connect, createBenchDb, median, ms, ROOT, run, scaled, startApi, verdict, withDb } from './support';

const TARGET = 10;
const load1 = () =>
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (p: string) => require(join(ROOT, 'dist/api/apps/api/src/modules/supervision', p));

/** The demo's shape: 6 districts, 79 streets, 710 communities, 2,710 grids (tiny square cells, one statement per level). */
async function buildHierarchy(c: Client): Promise<void> {
  const {
    rows: [{ id }],
  } = await c.query(`INSERT INTO area_version (level, status, label, published_at) VALUES ('grid', 'published', 'bench hierarchy', now() - interval '2 years') RETURNING id::int`);
  // grid g (1..2710) → community 1 + (g-1)*710/2710 → street 1 + (m-1)*79/710 → district 1 + (s-1)*6/79
  await c.query(
    `WITH g AS (
       SELECT g, 1 + ((g - 1) * 710) / 2710 AS m FROM generate_series(1, 2710) g),
     gm AS (SELECT g, m, 1 + ((m - 1) * 79) / 710 AS s FROM g),
     gs AS (SELECT g, m, s, 1 + ((s - 1) * 6) / 79 AS d FROM gm),
     cell AS (SELECT *, ST_MakeEnvelope(118.5 + (g % 55) * 0.005, 31.8 + (g / 55) * 0.005, 118.505 + (g % 55) * 0.005, 31.805 + (g / 55) * 0.005, 4326) AS geom FROM gs),
     lv AS (
       SELECT 'C' AS code, 'city' AS level, NULL AS parent, 'C' AS path, ST_Envelope(ST_Collect(geom)) AS geom FROM cell
       UNION ALL SELECT 'D' || d, 'district', 'C', 'C.D' || d, ST_Envelope(ST_Collect(geom)) FROM cell GROUP BY d
       UNION ALL SELECT 'S' || s, 'street', 'D' || min(d), 'C.D' || min(d) || '.S' || s, ST_Envelope(ST_Collect(geom)) FROM cell GROUP BY s
       UNION ALL SELECT 'M' || m, 'community', 'S' || min(s), 'C.D' || min(d) || '.S' || min(s) || '.M' || m, ST_Envelope(ST_Collect(geom)) FROM cell GROUP BY m
       UNION ALL SELECT 'G' || g, 'grid', 'M' || m, 'C.D' || d || '.S' || s || '.M' || m || '.G' || g, geom FROM cell),
     ins AS (
       INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, valid_from)
       SELECT $1, code, level || ' ' || code, level, parent, path::ltree, ST_Multi(geom), ST_Area(geom::geography), now() - interval '2 years' FROM lv
       RETURNING id, geom)
     INSERT INTO area_part (area_id, geom) SELECT id, (ST_Dump(geom)).geom FROM ins`,
    [id],
  );
  await c.query(`INSERT INTO grid_staff (area_code, role, name) SELECT 'G' || g, 'grid_worker', '网格员' || g FROM generate_series(1, 2710) g`);
}

/**
 * n cases over the year before `now`, with their log entries, summonses (3 %) and evaluations.
 * Paths: 5 % rejected, 15 % self-handled and closed, 72 % dispatched and closed (8 % with rework,
 * 15 % late, 60 % evaluated), 8 % still open (a third of them overdue). Deadlines of open cases are
 * far from `now`, so a fact cannot change while the bench runs.
 */
async function buildCases(c: Client, n: number): Promise<void> {
  await c.query(
    `CREATE TEMP TABLE bc AS
    SELECT k, 1 + (hashint4(k) & 2147483647) % 2710 AS g,
           now() - interval '365 days' + (hashint4(k * 7) & 2147483647) % (365 * 86400) * interval '1 second' AS t0,
           ((hashint4(k * 13) & 2147483647) % 1000) / 1000.0 AS u, ((hashint4(k * 17) & 2147483647) % 1000) / 1000.0 AS v,
           (ARRAY(SELECT code FROM event_category WHERE parent_code IS NOT NULL ORDER BY code))[1 + (hashint4(k * 19) & 2147483647) % 25] AS cat,
           (ARRAY['operator','patrol','hotline','resident','system','sensor'])[1 + (hashint4(k * 23) & 2147483647) % 6] AS src,
           1 + (hashint4(k * 29) & 2147483647) % 11 AS dept
      FROM generate_series(1, $1::int) k`,
    [n],
  );
  await c.query(`ALTER TABLE bc ADD COLUMN path text, ADD COLUMN kind text`);
  await c.query(`UPDATE bc SET kind = CASE WHEN u < 0.05 THEN 'rejected' WHEN u < 0.20 THEN 'self' WHEN u < 0.92 THEN 'closed' ELSE 'open' END`);
  await c.query(
    `INSERT INTO event (id, title, category_code, urgency, source, state, geom, grid_id, grid_code, area_path, department_id, assignee_name, stage, due_at,
                        escalation_level, rework_count, handled_on_time, satisfaction, reported_at, created_at, updated_at, closed_at, created_by)
     SELECT bc.k, 'bench case ' || bc.k, bc.cat, 'normal', bc.src,
            CASE bc.kind WHEN 'rejected' THEN 'rejected' WHEN 'open' THEN 'in_progress' WHEN 'self' THEN 'closed'
                         ELSE CASE WHEN bc.v < 0.6 THEN 'evaluated' ELSE 'closed' END END,
            ST_SetSRID(ST_MakePoint(ST_XMin(a.geom) + 0.005 * bc.v, ST_YMin(a.geom) + 0.005 * bc.u), 4326), a.id, a.code, a.path,
            CASE WHEN bc.kind IN ('closed', 'open') THEN (SELECT id FROM department ORDER BY id OFFSET bc.dept - 1 LIMIT 1) END,
            CASE WHEN bc.kind IN ('closed', 'open') THEN '网格员' || bc.g END,
            CASE WHEN bc.kind = 'open' THEN 'handle' END,
            CASE WHEN bc.kind = 'open' THEN CASE WHEN bc.v < 0.33 THEN now() - interval '30 days' ELSE now() + interval '30 days' END END,
            CASE WHEN bc.kind = 'closed' AND bc.v > 0.85 THEN 1 WHEN bc.kind = 'open' AND bc.v < 0.33 THEN 1 ELSE 0 END,
            CASE WHEN bc.kind = 'closed' AND bc.u BETWEEN 0.20 AND 0.2576 THEN 1 ELSE 0 END,
            CASE bc.kind WHEN 'self' THEN true WHEN 'closed' THEN bc.v <= 0.85 END,
            CASE WHEN bc.kind = 'closed' AND bc.v < 0.6 THEN 1 + (bc.k % 5) END,
            bc.t0, bc.t0, bc.t0 + interval '2 days',
            CASE WHEN bc.kind IN ('self', 'closed', 'rejected') THEN bc.t0 + (1 + bc.v * 70) * interval '1 hour' END, 'bench'
       FROM bc JOIN area a ON a.code = 'G' || bc.g AND a.valid_to IS NULL`,
  );
  await c.query(`SELECT setval(pg_get_serial_sequence('event', 'id'), (SELECT max(id) FROM event))`);
  await c.query(
    `INSERT INTO event_transition (event_id, at, actor_kind, actor_name, action, from_state, to_state)
     SELECT bc.k, bc.t0 + s.ord * interval '10 minutes', 'user', CASE WHEN s.action = 'self_handle' THEN '网格员' || bc.g ELSE 'bench' END, s.action, NULL, s.action
       FROM bc CROSS JOIN LATERAL (VALUES
         (0, 'report', true), (1, 'reject', bc.kind = 'rejected'), (1, 'self_handle', bc.kind = 'self'),
         (1, 'accept', bc.kind IN ('closed', 'open')), (2, 'register', bc.kind IN ('closed', 'open')), (3, 'dispatch', bc.kind IN ('closed', 'open')),
         (4, 'escalate', (bc.kind = 'closed' AND bc.v > 0.85) OR (bc.kind = 'open' AND bc.v < 0.33)),
         (5, 'feedback', bc.kind = 'closed'), (6, 'verify', bc.kind = 'closed'), (7, 'close', bc.kind IN ('closed', 'self')),
         (8, 'evaluate', bc.kind = 'closed' AND bc.v < 0.6)) s(ord, action, yes)
      WHERE s.yes`,
  );
  await c.query(
    `WITH s AS (
       INSERT INTO summons (event_id, created_at, created_by, report_within_minutes, due_at)
       SELECT k, t0 + interval '30 minutes', 'bench', 60, t0 + interval '90 minutes' FROM bc WHERE kind = 'closed' AND v < 0.03
       RETURNING id, event_id, due_at)
     INSERT INTO summons_department (summons_id, department_id, reported_at, reported_by)
     SELECT s.id, d.id, s.due_at + CASE WHEN (s.event_id + d.id) % 4 = 0 THEN interval '25 minutes' ELSE interval '-20 minutes' END, 'bench'
       FROM s CROSS JOIN LATERAL (SELECT id FROM department ORDER BY (id * s.event_id) % 11 LIMIT 2) d`,
  );
  await c.query(`DROP TABLE bc`);
  for (const t of ['event', 'event_transition', 'summons', 'summons_department', 'area']) await c.query(`VACUUM ANALYZE ${t}`);
}

/** CPU seconds (user + system) a local PostgreSQL backend has used so far, from /proc (null when not readable). */
function backendCpuSeconds(pid: number): number | null {
  try {
    // fields after the command name: state is field 3, utime 14, stime 15 (clock ticks, 100 a second on Linux)
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

/** Round floats so that two summation orders compare equal. */
const norm = (rows: Record<string, unknown>[]) =>
  Object.fromEntries(
    rows.map((r) => [
      String(r.key),
      Object.fromEntries(
        Object.entries(r)
          .filter(([k]) => k !== 'key')
          .map(([k, v]) => [k, Math.round(Number(v) * 1e4) / 1e4]),
      ),
    ]),
  );

async function timed<T>(times: number, f: () => Promise<T>): Promise<{ ms: number; last: T }> {
  const all: number[] = [];
  let last!: T;
  for (let i = 0; i < times; i++) {
    const t0 = process.hrtime.bigint();
    last = await f();
    all.push(ms(t0));
  }
  return { ms: median(all), last };
}

run(async () => {
  const { caseFactsSql, SUM_MEASURES } = load('supervision-facts.sql.js');
  const { evaluate, versionsFor } = load('supervision-formulas.js');
  // BENCH_SUPERVISION_DB=<database> reuses the data of a kept run (BENCH_KEEP_DB=1): its facts are dropped and rebuilt
  const reuse = process.env.BENCH_SUPERVISION_DB;
  const db = reuse
    ? { name: reuse, url: withDb(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', reuse), drop: async () => console.log(`kept database ${reuse}`) }
    : await createBenchDb('supervision');
  const c = await connect(db.url);
  let pass = false;
  try {
    const n = scaled(1_000_000, 1000);
    let t0 = process.hrtime.bigint();
    if (reuse) {
      await c.query(`TRUNCATE sv_case, sv_daily`);
      console.log(`data: reused ${reuse}`);
    } else {
      await buildHierarchy(c);
      await buildCases(c, n);
    }
    console.log(
      `data: ${(await c.query(`SELECT count(*)::int AS n FROM event`)).rows[0].n.toLocaleString()} cases, ${(await c.query(`SELECT count(*)::int AS n FROM event_transition`)).rows[0].n.toLocaleString()} log entries in ${(ms(t0) / 1000).toFixed(1)} s`,
    );
    // BENCH_SUPERVISION_GENERATE_ONLY=1 (with BENCH_KEEP_DB=1): stop here, for later runs with BENCH_SUPERVISION_DB
    if (process.env.BENCH_SUPERVISION_GENERATE_ONLY) return true;

    // The facts rebuilt set-based (what SupervisionFactsService.rebuild runs: a week of days per
    // transaction under the worker lock), then their cost per case on the worker's incremental path.
    const { SupervisionFactsRepository, dayRanges } = load('supervision-facts.repository.js');
    const repo = new SupervisionFactsRepository();
    const asOf = new Date();
    t0 = process.hrtime.bigint();
    const span = await repo.reportedSpan(c);
    const ranges: { from: string; to: string }[] = span ? dayRanges(span.first, span.last) : [];
    const built = { cases: 0, rows: 0 };
    for (const [i, r] of ranges.entries()) {
      await c.query('BEGIN');
      await repo.waitLock(c);
      const d = await repo.rebuild(c, r.from, r.to, asOf);
      await c.query('COMMIT');
      built.cases += d.cases;
      built.rows += d.rows;
      if ((i + 1) % 8 === 0)
        console.log(`  facts rebuild: ${built.cases.toLocaleString()} cases (through ${r.to}) in ${(ms(t0) / 1000).toFixed(0)} s, ${Math.round(built.cases / (ms(t0) / 1000)).toLocaleString()} cases/s, ${load1()}`);
    }
    const buildS = ms(t0) / 1000;
    console.log(
      `facts: ${built.cases.toLocaleString()} cases → ${built.rows.toLocaleString()} daily rows in ${buildS.toFixed(1)} s (${Math.round(built.cases / buildS).toLocaleString()} cases/s, set-based: ${ranges.length} ranges of a week; ${load1()})`,
    );
    for (const t of ['sv_case', 'sv_daily']) await c.query(`VACUUM ANALYZE ${t}`);
    const ids = (await c.query(`SELECT id FROM event ORDER BY id DESC LIMIT 200`)).rows.map((r) => Number(r.id));
    const inc = await timed(5, async () => {
      await c.query('BEGIN');
      await repo.apply(c, ids, asOf);
      await c.query('COMMIT');
    });
    console.log(`facts worker: ${inc.ms.toFixed(0)} ms per batch of 200 changed cases (${((inc.ms / 200) * 1000).toFixed(0)} µs a case), median of 5`);

    // A quarter: the last full 91 Shanghai days before today.
    const {
      rows: [q],
    } = await c.query(`SELECT to_char(d - 91, 'YYYY-MM-DD') AS "from", to_char(d - 1, 'YYYY-MM-DD') AS "to" FROM (SELECT ((now() AT TIME ZONE 'UTC') + interval '8 hours')::date AS d) x`);
    const { rows: depthRows } = await c.query(`SELECT DISTINCT nlevel(path)::int AS d FROM area WHERE level = 'street'`);
    const depths = depthRows.map((r) => r.d);
    const ours = await timed(15, () =>
      c.query(
        `SELECT node::text AS key, ${SUM_MEASURES} FROM sv_daily
          WHERE day BETWEEN $2::date AND $3::date AND kind = 'area' AND lvl = ANY($1::int[]) GROUP BY 1`,
        [depths, q.from, q.to],
      ),
    );
    const peerSql = `SELECT subpath(f.path_then, 0, $1::int)::text AS key, ${SUM_MEASURES}
        FROM (${caseFactsSql(
          `(SELECT id FROM event WHERE area_path IS NOT NULL AND reported_at >= ($2::date::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
                                      AND reported_at < (($3::date + 1)::timestamp - interval '8 hours') AT TIME ZONE 'UTC')`,
          '$4::timestamptz',
          (e: string) => `${e}.area_path`,
          '',
          'window', // the repeat probe as one hash join over the quarter's days: the faster of the two for a quarter
        )}) f
       WHERE nlevel(f.path_then) >= $1::int GROUP BY 1`;
    // at a million cases a run of the peer takes minutes on this machine: one run there
    const peerRuns = n >= 500_000 ? 1 : 3;
    const peer = await timed(peerRuns, () => c.query(peerSql, [depths[0], q.from, q.to, asOf]));
    const a = norm(ours.last.rows);
    const b = norm(peer.last.rows);
    const same = JSON.stringify(Object.keys(a).sort()) === JSON.stringify(Object.keys(b).sort()) && Object.keys(a).every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
    const formulas = versionsFor((await c.query(`SELECT code, version, to_char(effective_from, 'YYYY-MM-DD') AS "effectiveFrom", formula FROM sv_indicator`)).rows, q.from);
    const values = (m: Record<string, Record<string, number>>) =>
      Object.keys(m)
        .sort()
        .map((k) => formulas.map((f: unknown) => evaluate(f, m[k])));
    const sameValues = JSON.stringify(values(a)) === JSON.stringify(values(b));
    const reported = Object.values(a).reduce((s, m) => s + m.reported, 0);
    console.log(`quarter ${q.from} … ${q.to}: ${Object.keys(a).length} streets, ${reported.toLocaleString()} cases`);
    console.log(`ours (sv_daily): ${ours.ms.toFixed(1)} ms (median of 15) | peer (GROUP BY over event, event_transition, summons): ${peer.ms.toFixed(0)} ms (median of ${peerRuns}; ${load1()})`);
    console.log(`identical measures: ${same}; identical indicator values (${formulas.length} indicators): ${sameValues}`);

    // The whole request (two periods, names, formulas) on the real API.
    const api = await startApi(db.url, { SUPERVISION_FACTS_SECONDS: '0', WARNINGS_SECONDS: '0', ESCALATION_SWEEP_SECONDS: '0', SIMULATOR: 'off' });
    try {
      const get = () => fetch(`${api.url}/api/indicators?groupBy=street&from=${q.from}&to=${q.to}`, { headers: { authorization: `Bearer ${api.token}` } }).then((r) => r.json() as Promise<{ rows: unknown[] }>);
      const req = await timed(15, get);
      console.log(`GET /api/indicators?groupBy=street (quarter and the quarter before): ${req.ms.toFixed(1)} ms (median of 15), ${req.last.rows.length} rows`);
      const { WarningsRepository } = load('warnings.repository.js');
      const { WARNING_RULES, spikeCandidates } = load('warning-rules.js');
      const wr = new WarningsRepository();
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const { rows: dd } = await c.query(`SELECT DISTINCT nlevel(path)::int AS d FROM area WHERE level = 'district'`);
      const depthsBy = { street: depths, district: dd.map((r) => r.d) };
      // what WarningsService.find runs: the spike counts (the rule decides in Node), then the other rules' statements
      const evaluation = async (): Promise<unknown[]> => [
        ...spikeCandidates(await wr.spikeCounts(c, today, depthsBy, WARNING_RULES.baselineDays, WARNING_RULES.spikeMin), WARNING_RULES, today),
        ...(await wr.evaluate(c, today, depthsBy, WARNING_RULES)),
      ];
      await evaluation(); // warm
      const {
        rows: [{ pid }],
      } = await c.query(`SELECT pg_backend_pid() AS pid`);
      const db0 = backendCpuSeconds(pid);
      const cpu0 = process.cpuUsage();
      const ev = await timed(5, evaluation);
      const nodeCpuMs = (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1000 / 5;
      const db1 = backendCpuSeconds(pid);
      const dbCpuMs = db0 !== null && db1 !== null ? ((db1 - db0) * 1000) / 5 : null;
      // CPU of one evaluation (the database backend's, read from /proc at 10 ms resolution, plus this process's) over the minute between two
      const cpuMs = dbCpuMs !== null ? dbCpuMs + nodeCpuMs : ev.ms;
      const share = cpuMs / 60_000;
      console.log(
        `warnings evaluation: ${ev.ms.toFixed(0)} ms wall (median of 5), CPU a run: database ${dbCpuMs === null ? 'n/a (wall time taken as its bound)' : `${dbCpuMs.toFixed(0)} ms`} + node ${nodeCpuMs.toFixed(1)} ms; found ${ev.last.length}; once a minute = ${(share * 100).toFixed(2)} % of one core`,
      );
      verdict('warnings every minute < 5 % of one core', share < 0.05, `${(share * 100).toFixed(2)} %`);
    } finally {
      await api.stop();
    }
    const ratio = peer.ms / ours.ms;
    pass = verdict(`indicators by street for a quarter ≥ ${TARGET}x the raw GROUP BY, identical numbers`, ratio >= TARGET && same && sameValues, `${ratio.toFixed(0)}x, identical: ${same && sameValues}`);
  } finally {
    await c.end();
    await db.drop();
  }
  return pass;
});
