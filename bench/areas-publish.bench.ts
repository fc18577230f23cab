/**
 * Two scenarios (BENCH_PUBLISH=incremental|full; both by default, each on its own database).
 *
 * incremental (issue 18): one community of 16 grids in a city of 100k grid cells and 1M places
 * (the community holds ~13k of them, the density of 5,000 households) is copied into a studio
 * draft through the API and redrawn: the border between its first two columns of grids moves, the
 * other 8 grids are saved back as they were. Publish (API) keeps the 8, closes and opens the 8
 * changed ones and re-attributes only what lies in them. Peers in the same run: the raw
 * `UPDATE place … FROM area_part JOIN area … ST_Covers` of the rows in the changed grids (rolled
 * back; target publish ≤ 1.5x), and a full re-attribution of the city's 1M places by the same
 * raw join (rolled back; target publish ≤ 1/20 of it). The bench checks the numbers: rows
 * re-attributed = rows the peer updates = the impact preview's count, and after publish every
 * place of the community has the grid locate's rule gives (deepest covering area, lowest code).
 *
 * full (issue 3): a draft that re-splits a city of 100k grid cells into a
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
const FULL_FRACTION = 1 / 20;
const SCENARIO = process.env.BENCH_PUBLISH ?? 'both';

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

async function fullRedraw(): Promise<boolean> {
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
    return verdict('publish time / raw join time', ratio <= TARGET, `${ratio.toFixed(2)}x (${(publishMs / 1000).toFixed(2)} s vs ${(peerMs / 1000).toFixed(2)} s; target ≤ ${TARGET}x)`);
  } finally {
    await api?.stop();
    await db.drop();
  }
}

/** The community M1: a 4 × 4 block of D1's cells, re-parented under a community area (bench setup). */
async function makeCommunity(c: Client, city: City, i0: number, j0: number, n: number): Promise<{ x0: number; y0: number; x1: number; y1: number }> {
  const x0 = city.x0 + i0 * city.size;
  const y0 = city.y0 + j0 * city.size;
  const x1 = city.x0 + (i0 + n) * city.size;
  const y1 = city.y0 + (j0 + n) * city.size;
  await c.query(
    `INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, valid_from)
     VALUES ($1, 'M1', 'bench community', 'community', 'D1', 'C1.D1.M1', ST_Multi(ST_MakeEnvelope($2, $3, $4, $5, 4326)), ST_Area(ST_MakeEnvelope($2, $3, $4, $5, 4326)::geography),
             (SELECT published_at FROM area_version WHERE id = $1))`,
    [city.versionId, x0, y0, x1, y1],
  );
  await c.query(`INSERT INTO area_part (area_id, geom) SELECT id, ST_Subdivide(geom, 64) FROM area WHERE code = 'M1'`);
  await c.query(
    `UPDATE area SET parent_code = 'M1', path = ('C1.D1.M1.' || code)::ltree
      WHERE level = 'grid' AND code = ANY(SELECT 'G' || i || '_' || j FROM generate_series($1::int, $1::int + $3 - 1) i, generate_series($2::int, $2::int + $3 - 1) j)`,
    [i0, j0, n],
  );
  return { x0, y0, x1, y1 };
}

/** Places of the community as dense as 5,000 households' buildings and shops, attributed by arithmetic. */
async function fillCommunity(c: Client, city: City, box: { x0: number; y0: number; x1: number; y1: number }, n: number): Promise<void> {
  await c.query(
    `INSERT INTO place (kind, name, geom, grid_id, grid_code, area_path)
     SELECT 'building', 'bench building ' || k, ST_SetSRID(ST_MakePoint(pt.lon, pt.lat), 4326), a.id, a.code, a.path
       FROM generate_series(1, $1::int) k
      CROSS JOIN LATERAL (SELECT $2::float8 + random() * ($3::float8 - $2::float8) AS lon, $4::float8 + random() * ($5::float8 - $4::float8) AS lat, k AS kk) pt
       JOIN area a ON a.code = 'G' || floor((pt.lon - $6) / $7)::int || '_' || floor((pt.lat - $8) / $7)::int
                  AND a.valid_from IS NOT NULL AND a.valid_to IS NULL`,
    [n, box.x0, box.x1, box.y0, box.y1, city.x0, city.size, city.y0],
  );
  // the community's re-parented grids: their places carry the new path
  await c.query(`UPDATE place x SET area_path = a.path FROM area a WHERE a.id = x.grid_id AND a.parent_code = 'M1' AND x.area_path <> a.path`);
  await c.query(`VACUUM ANALYZE place`);
}

/** The raw UPDATE … FROM of the rows lying in the given areas, rolled back (JIT off, as publish runs). */
async function rawUpdateIn(c: Client, areaWhere: string, params: unknown[]): Promise<{ ms: number; rows: number }> {
  await c.query('BEGIN');
  try {
    await c.query('SET LOCAL jit = off');
    const t0 = process.hrtime.bigint();
    const r = await c.query(
      `UPDATE place x SET grid_id = a.id, grid_code = a.code, area_path = a.path
         FROM area_part p JOIN area a ON a.id = p.area_id
        WHERE ${areaWhere} AND x.geom && p.geom AND ST_Covers(p.geom, x.geom)`,
      params,
    );
    return { ms: ms(t0), rows: r.rowCount ?? 0 };
  } finally {
    await c.query('ROLLBACK');
  }
}

async function incremental(): Promise<boolean> {
  const db = await createBenchDb('publish_incr');
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  try {
    const c = await connect(db.url);
    const t0 = Date.now();
    const city = await buildCity(c, scaled(100000, 100));
    const inCommunity = scaled(13000, 200);
    await fillPlaces(c, city, scaled(1000000, 1000) - inCommunity);
    const n = 4;
    const box = await makeCommunity(c, city, 10, 10, n);
    await fillCommunity(c, city, box, inCommunity);
    const {
      rows: [{ total }],
    } = await c.query(`SELECT count(*)::int AS total FROM place`);
    console.log(`city: ${city.cells} grid cells, ${total} places; community M1: ${n * n} grids, ${inCommunity} places in them (set up in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    if (process.env.BENCH_EXPLAIN) {
      // plans of the API's slow statements in the server's log (auto_explain), to see where publish goes
      await c.query(`ALTER DATABASE ${db.name} SET session_preload_libraries = 'auto_explain'`);
      await c.query(`ALTER DATABASE ${db.name} SET auto_explain.log_min_duration = ${Number(process.env.BENCH_EXPLAIN)}`);
      await c.query(`ALTER DATABASE ${db.name} SET auto_explain.log_analyze = on`);
      await c.query(`ALTER DATABASE ${db.name} SET auto_explain.log_nested_statements = on`);
    }
    api = await startApi(db.url, { DB_POOL_SIZE: '4' });
    const auth = { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' };

    // The studio's steps: a draft copied from M1's grids, read back, one border moved, all saved.
    const dr = await fetch(`${api.url}/api/areas/drafts`, { method: 'POST', headers: auth, body: JSON.stringify({ parentCode: 'M1' }) });
    const draft = (await dr.json()) as { versionId: number; areas: number };
    if (dr.status !== 201) throw new Error(`draft: ${dr.status} ${JSON.stringify(draft)}`);
    const ex = await fetch(`${api.url}/api/areas/export?level=grid&version=${draft.versionId}`, { headers: auth });
    const fc = (await ex.json()) as { features: { geometry: { coordinates: number[][][][] }; properties: { code: string; name: string } }[] };
    if (ex.status !== 200) throw new Error(`export: ${ex.status} ${JSON.stringify(fc).slice(0, 300)}`);
    // The border between the community's first and second column of grids moves east by 0.6 cell.
    const xOld = box.x0 + city.size;
    const xNew = box.x0 + 1.6 * city.size;
    const changed: string[] = [];
    for (const f of fc.features) {
      let moved = false;
      for (const poly of f.geometry.coordinates)
        for (const ring of poly)
          for (const pt of ring)
            if (Math.abs(pt[0] - xOld) < 1e-9) {
              pt[0] = xNew;
              moved = true;
            }
      if (moved) changed.push(f.properties.code);
    }
    const save = await fetch(`${api.url}/api/areas/versions/${draft.versionId}/features`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ type: 'FeatureCollection', features: fc.features.map((f) => ({ type: 'Feature', geometry: f.geometry, properties: { code: f.properties.code, name: f.properties.name } })) }),
    });
    const saved = (await save.json()) as { topology: { summary: Record<string, unknown> } };
    if (save.status !== 200) throw new Error(`save: ${save.status} ${JSON.stringify(saved).slice(0, 500)}`);
    console.log(`draft ${draft.versionId}: ${fc.features.length} grids saved back, ${changed.length} redrawn (${changed.join(' ')}); topology ${JSON.stringify(saved.topology.summary)}`);
    const impactRes = await fetch(`${api.url}/api/areas/versions/${draft.versionId}/impact`, { headers: auth });
    const impact = (await impactRes.json()) as { places: number; areas: Record<string, string[]> };
    if (impactRes.status !== 200) throw new Error(`impact: ${impactRes.status} ${JSON.stringify(impact).slice(0, 300)}`);
    await c.query(`CREATE TEMP TABLE before_publish AS SELECT id, grid_code FROM place WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`, [
      box.x0 - city.size,
      box.y0 - city.size,
      box.x1 + city.size,
      box.y1 + city.size,
    ]);

    const changedWhere = `a.version_id = $1 AND a.code = ANY($2::text[])`;
    const peer1 = await rawUpdateIn(c, changedWhere, [draft.versionId, changed]);
    console.log(`peer raw UPDATE … FROM of the rows in the ${changed.length} changed grids (before): ${peer1.ms.toFixed(1)} ms, ${peer1.rows} rows (rolled back)`);
    // BENCH_SKIP_FULL=1 (while looking into publish): no full re-attribution, no verdict against it
    const full = process.env.BENCH_SKIP_FULL ? { ms: NaN, rows: 0 } : await rawUpdateIn(c, `a.version_id = $1 AND a.level = 'grid'`, [city.versionId]);
    console.log(`full re-attribution of the city, raw UPDATE … FROM over every grid: ${(full.ms / 1000).toFixed(2)} s, ${full.rows} rows (rolled back)`);
    await c.query(`VACUUM ANALYZE place`);

    let t1 = Date.now();
    const res = await fetch(`${api.url}/api/areas/versions/${draft.versionId}/publish`, { method: 'POST', headers: auth, body: JSON.stringify({}) });
    const publishMs = Date.now() - t1;
    const body = (await res.json()) as { reattributed?: Record<string, number>; closed?: number; added?: number; kept?: number };
    if (res.status !== 200) throw new Error(`publish: ${res.status} ${JSON.stringify(body).slice(0, 1000)}`);
    console.log(`API publish: ${publishMs} ms; added ${body.added}, closed ${body.closed}, kept ${body.kept}, re-attributed ${JSON.stringify(body.reattributed)}`);

    // After: the published version's rows are exactly the changed grids (the kept ones were dropped from it).
    const peer2 = await rawUpdateIn(c, changedWhere, [draft.versionId, changed]);
    console.log(`peer raw UPDATE … FROM of the rows in the ${changed.length} changed grids (after):  ${peer2.ms.toFixed(1)} ms, ${peer2.rows} rows (rolled back)`);

    // Numbers: every place around the community has locate's answer; the counts agree.
    t1 = Date.now();
    const {
      rows: [chk],
    } = await c.query(
      `WITH r AS (SELECT x.id, x.grid_id FROM place x WHERE x.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)),
       best AS (
         SELECT DISTINCT ON (r.id) r.id, a.id AS aid FROM r JOIN place x ON x.id = r.id
           JOIN area_part p ON p.geom && x.geom AND ST_Covers(p.geom, x.geom)
           JOIN area a ON a.id = p.area_id AND a.valid_from IS NOT NULL AND a.valid_to IS NULL
          ORDER BY r.id, nlevel(a.path) DESC, a.code)
       SELECT count(*)::int AS checked, count(*) FILTER (WHERE best.aid IS DISTINCT FROM r.grid_id)::int AS wrong,
              (SELECT count(*)::int FROM before_publish b JOIN place x ON x.id = b.id WHERE x.grid_code IS DISTINCT FROM b.grid_code) AS moved
         FROM r LEFT JOIN best ON best.id = r.id`,
      [box.x0 - city.size, box.y0 - city.size, box.x1 + city.size, box.y1 + city.size],
    );
    console.log(`check (${Date.now() - t1} ms): ${chk.checked} places in and around M1 checked against locate's rule, ${chk.wrong} wrong; ${chk.moved} changed grid code, impact preview said ${impact.places}`);
    await c.end();
    const reattributed = body.reattributed?.place ?? -1;
    const numbersOk = chk.wrong === 0 && reattributed === peer1.rows && peer1.rows === peer2.rows && chk.moved === impact.places && body.kept === n * n - changed.length && body.closed === changed.length;
    verdict('numbers equal', numbersOk, `re-attributed ${reattributed}, peer rows ${peer1.rows}/${peer2.rows}, wrong ${chk.wrong}, moved ${chk.moved} = impact ${impact.places}, kept ${body.kept}, closed ${body.closed}`);
    const peerMs = (peer1.ms + peer2.ms) / 2;
    const ratio = publishMs / peerMs;
    const ok1 = verdict('incremental publish / raw UPDATE of those rows', ratio <= TARGET, `${ratio.toFixed(2)}x (${publishMs} ms vs ${peerMs.toFixed(1)} ms; target ≤ ${TARGET}x)`);
    const frac = publishMs / full.ms;
    const ok2 = verdict('incremental publish / full re-attribution of the city', frac <= FULL_FRACTION, `1/${(1 / frac).toFixed(0)} (${publishMs} ms vs ${(full.ms / 1000).toFixed(2)} s; target ≤ 1/20)`);
    return numbersOk && ok1 && ok2;
  } finally {
    await api?.stop();
    await db.drop();
  }
}

async function main(): Promise<boolean> {
  let ok = true;
  if (SCENARIO !== 'full') ok = (await incremental()) && ok;
  if (SCENARIO !== 'incremental') ok = (await fullRedraw()) && ok;
  return ok;
}

run(main);
