/**
 * Publishing a redraw (issue 3): a draft that re-splits a city of 100k grid cells into a
 * different grid (about 110k cells, new codes, same district outlines), published through
 * `POST /api/areas/versions/:id/publish` on the real API (topology checks, closing the old rows,
 * opening the new ones, re-attribution of every registered table, audit, outbox: one transaction)
 * with 1M places registered in the old grid. Peer: the raw polygon-driven join doing the same
 * re-attribution, `UPDATE place … FROM area_part JOIN area … ST_Covers`, in a transaction that
 * is rolled back (run before and after the publish; median).
 * Target: publish ≤ 1.5x the peer's time. BENCH_SCALE scales cells and places.
 * Run: node scripts/bench.mjs areas-publish
 */
import type { Client } from 'pg';
import { buildCity, connect, createBenchDb, ms, run, scaled, startApi, verdict, type City } from './support';

const TARGET = 1.5;

/** 1M places at random points, attributed to the old grid by arithmetic (one INSERT … SELECT). */
async function fillPlaces(c: Client, city: City, n: number): Promise<void> {
  await c.query(
    `INSERT INTO place (kind, name, geom, grid_id, grid_code, area_path)
     SELECT 'poi', 'bench place ' || k, ST_SetSRID(ST_MakePoint(pt.lon, pt.lat), 4326), a.id, a.code, a.path
       FROM generate_series(1, $1::int) k
      CROSS JOIN LATERAL (SELECT $2::float8 + random() * ($3::int * $6::float8) AS lon, $4::float8 + random() * ($5::int * $6::float8) AS lat, k AS kk) pt
       JOIN area a ON a.code = 'G' || least(floor((pt.lon - $2) / $6)::int, $3 - 1) || '_' || least(floor((pt.lat - $4) / $6)::int, $5 - 1)
                  AND a.valid_from IS NOT NULL AND a.valid_to IS NULL`,
    [n, city.x0, city.cols, city.y0, city.rows, city.size],
  );
  await c.query(`VACUUM ANALYZE place`);
}

/**
 * The redraw: each district re-split into ~10% more columns and rows (codes H<d>_<i>_<j>). Inner
 * edges are new; the last edge of each district is the district's own expression, so the
 * cells tile the districts exactly (no gaps, no overlaps).
 */
async function draftRedraw(c: Client, city: City): Promise<{ versionId: number; cells: number }> {
  const {
    rows: [{ id }],
  } = await c.query(`INSERT INTO area_version (level, status, label) VALUES ('grid', 'draft', 'bench redraw') RETURNING id::int`);
  const hc = Math.floor(city.cols / 2);
  const hr = Math.floor(city.rows / 2);
  await c.query(
    `WITH d AS (
       SELECT * FROM (VALUES (1, 0, $4::int, 0, $5::int), (2, $4::int, $2::int, 0, $5::int), (3, 0, $4::int, $5::int, $3::int), (4, $4::int, $2::int, $5::int, $3::int)) q(d, ci0, ci1, ri0, ri1)),
     s AS (SELECT d.*, ceil((ci1 - ci0) * 1.1)::int AS nc, ceil((ri1 - ri0) * 1.1)::int AS nr FROM d),
     e AS (
       SELECT s.d, i, j,
              CASE WHEN i = 0 THEN $6::float8 + ci0 * $7::float8 ELSE $6::float8 + ci0 * $7::float8 + i * ((ci1 - ci0) * $7::float8 / nc) END AS xa,
              CASE WHEN i + 1 = nc THEN $6::float8 + ci1 * $7::float8 ELSE $6::float8 + ci0 * $7::float8 + (i + 1) * ((ci1 - ci0) * $7::float8 / nc) END AS xb,
              CASE WHEN j = 0 THEN $8::float8 + ri0 * $7::float8 ELSE $8::float8 + ri0 * $7::float8 + j * ((ri1 - ri0) * $7::float8 / nr) END AS ya,
              CASE WHEN j + 1 = nr THEN $8::float8 + ri1 * $7::float8 ELSE $8::float8 + ri0 * $7::float8 + (j + 1) * ((ri1 - ri0) * $7::float8 / nr) END AS yb
         FROM s, generate_series(0, s.nc - 1) i, generate_series(0, s.nr - 1) j),
     ins AS (
       INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, generated)
       SELECT $1::bigint, 'H' || d || '_' || i || '_' || j, 'redrawn grid ' || d || '/' || i || '/' || j, 'grid', 'D' || d,
              ('C1.D' || d || '.H' || d || '_' || i || '_' || j)::ltree, ST_Multi(ST_MakeEnvelope(xa, ya, xb, yb, 4326)),
              ST_Area(ST_MakeEnvelope(xa, ya, xb, yb, 4326)::geography), true
         FROM e
       RETURNING id, geom)
     INSERT INTO area_part (area_id, geom) SELECT id, ST_Subdivide(geom, 64) FROM ins`,
    [id, city.cols, city.rows, hc, hr, city.x0, city.size, city.y0],
  );
  for (const t of ['area', 'area_part']) await c.query(`VACUUM ANALYZE ${t}`);
  const {
    rows: [{ n }],
  } = await c.query(`SELECT count(*)::int AS n FROM area WHERE version_id = $1`, [id]);
  return { versionId: id, cells: n };
}

/** The peer: the raw polygon-driven join re-attributing every place to the draft's cells, rolled back. */
async function rawJoin(c: Client, versionId: number): Promise<{ ms: number; rows: number }> {
  await c.query('BEGIN');
  try {
    const t0 = process.hrtime.bigint();
    const r = await c.query(
      `UPDATE place x SET grid_id = a.id, grid_code = a.code, area_path = a.path
         FROM area_part p JOIN area a ON a.id = p.area_id
        WHERE a.version_id = $1 AND x.geom && p.geom AND ST_Covers(p.geom, x.geom)`,
      [versionId],
    );
    return { ms: ms(t0), rows: r.rowCount ?? 0 };
  } finally {
    await c.query('ROLLBACK');
  }
}

async function main(): Promise<void> {
  const db = await createBenchDb('publish');
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  try {
    const c = await connect(db.url);
    let t0 = Date.now();
    const city = await buildCity(c, scaled(100000, 100));
    const places = scaled(1000000, 1000);
    await fillPlaces(c, city, places);
    const draft = await draftRedraw(c, city);
    console.log(`city: ${city.cells} grid cells, ${places} places; redraw: ${draft.cells} cells (draft ${draft.versionId}); set up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    api = await startApi(db.url, { DB_POOL_SIZE: '4' });
    const auth = { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' };

    const peer1 = await rawJoin(c, draft.versionId);
    console.log(`peer raw UPDATE … FROM join (before): ${(peer1.ms / 1000).toFixed(2)} s, ${peer1.rows} rows (rolled back)`);
    await c.query(`VACUUM ANALYZE place`);

    // Where the publish's time goes: the topology checks alone (read-only, same statement publish runs).
    t0 = Date.now();
    const topo = await fetch(`${api.url}/api/areas/versions/${draft.versionId}/topology`, { headers: auth });
    const topoMs = Date.now() - t0;
    const report = (await topo.json()) as { summary?: Record<string, unknown> };
    if (topo.status !== 200) throw new Error(`topology: ${topo.status} ${JSON.stringify(report).slice(0, 500)}`);
    console.log(`topology check alone: ${(topoMs / 1000).toFixed(2)} s ${JSON.stringify(report.summary)}`);

    t0 = Date.now();
    const res = await fetch(`${api.url}/api/areas/versions/${draft.versionId}/publish`, { method: 'POST', headers: auth, body: JSON.stringify({ acknowledgeGaps: true }) });
    const publishMs = Date.now() - t0;
    const body = (await res.json()) as { reattributed?: Record<string, number>; closed?: number; added?: number };
    if (res.status !== 200) throw new Error(`publish: ${res.status} ${JSON.stringify(body).slice(0, 1000)}`);
    const {
      rows: [chk],
    } = await c.query(`SELECT count(*) FILTER (WHERE grid_code LIKE 'H%')::int AS moved, count(*)::int AS total FROM place`);
    console.log(`API publish: ${(publishMs / 1000).toFixed(2)} s; closed ${body.closed}, added ${body.added}, re-attributed ${JSON.stringify(body.reattributed)}; places now in the new grid: ${chk.moved}/${chk.total}`);
    if (chk.moved !== chk.total) throw new Error(`publish left ${chk.total - chk.moved} places outside the new grid`);

    await c.query(`VACUUM ANALYZE place`);
    const peer2 = await rawJoin(c, draft.versionId);
    console.log(`peer raw UPDATE … FROM join (after):  ${(peer2.ms / 1000).toFixed(2)} s, ${peer2.rows} rows (rolled back)`);
    await c.end();
    const peerMs = (peer1.ms + peer2.ms) / 2;
    const ratio = publishMs / peerMs;
    verdict('publish time / raw join time', ratio <= TARGET, `${ratio.toFixed(2)}x (${(publishMs / 1000).toFixed(2)} s vs ${(peerMs / 1000).toFixed(2)} s; target ≤ ${TARGET}x)`);
  } finally {
    await api?.stop();
    await db.drop();
  }
}

run(main);
