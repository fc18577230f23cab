/**
 * Grid proposal for a community of 5,000 households (issue 18): `POST /api/areas/proposals
 * {parentCode, householdsPerGrid: 400}` on the real API, timed, with its quality (households
 * max/min, median Polsby–Popper compactness, contiguity). Peer, in the same run on the same
 * points: the plain PostGIS way, k-means of the household points (ST_ClusterKMeans) and their
 * Voronoi cells clipped to the community, timed the same way, with the same quality measures.
 * No pass/fail target for time (the issue asks for time and quality); the quality targets are
 * the (max/min ≤ 1.5, median compactness ≥ 0.3, all contiguous).
 * Run: node scripts/bench.mjs studio-proposal
 */
import type { Client } from 'pg';
import { connect, createBenchDb, ms, run, startApi, verdict } from './support';

const HOUSEHOLDS = 5000;
const PER_GRID = 400;

/** One irregular community (a seven-pointed blob, ~2.5 km across) under a city, published; 1,250 compounds of 4 buildings with one household each. */
async function buildCommunity(c: Client): Promise<void> {
  const {
    rows: [{ id }],
  } = await c.query(`INSERT INTO area_version (level, status, label, published_at) VALUES ('community', 'published', 'bench', now()) RETURNING id::int`);
  await c.query(
    `WITH blob AS (
       SELECT ST_Multi(ST_MakePolygon(ST_MakeLine(array_agg(ST_MakePoint(118.8 + r * cos(a), 32.05 + 0.85 * r * sin(a)) ORDER BY a) || ARRAY[ST_MakePoint(118.8 + 0.012, 32.05)]))) AS g
         FROM (SELECT a, 0.012 * (1 + 0.25 * sin(7 * a)) AS r FROM generate_series(0, 179) i, LATERAL (SELECT i * pi() / 90 AS a) aa) x)
     INSERT INTO area (version_id, code, name, level, parent_code, path, geom, area_m2, valid_from)
     SELECT $1, 'C1', '基准社区', 'community', NULL, 'C1', ST_SetSRID(g, 4326), ST_Area(ST_SetSRID(g, 4326)::geography), now() FROM blob`,
    [id],
  );
  await c.query(`INSERT INTO area_part (area_id, geom) SELECT id, ST_Subdivide(geom, 64) FROM area`);
  await c.query(
    `WITH a AS (SELECT id, code, path, geom FROM area WHERE code = 'C1'),
     compound AS (SELECT (ST_Dump(ST_GeneratePoints(a.geom, $1::int / 4, 7))).geom AS g FROM a),
     ins AS (INSERT INTO place (kind, name, geom, grid_id, grid_code, area_path)
             SELECT 'compound', 'bench compound', compound.g, a.id, a.code, a.path FROM compound, a RETURNING id, geom)
     INSERT INTO place (kind, name, parent_id, geom, grid_id, grid_code, area_path)
     SELECT 'building', 'bench building', ins.id, ST_Translate(ins.geom, 0.0004 * cos(k * pi() / 2), 0.0003 * sin(k * pi() / 2)), a.id, a.code, a.path
       FROM ins, a, generate_series(0, 3) k
      WHERE ST_Covers(a.geom, ST_Translate(ins.geom, 0.0004 * cos(k * pi() / 2), 0.0003 * sin(k * pi() / 2)))`,
    [HOUSEHOLDS],
  );
  await c.query(`INSERT INTO household (household_no, kind, place_id) SELECT 'H' || id, 'registered', id FROM place WHERE kind = 'building' LIMIT $1`, [HOUSEHOLDS]);
  await c.query(`ANALYZE place; ANALYZE household; ANALYZE area`);
}

interface Quality {
  grids: number;
  maxMin: number | null;
  medianCompactness: number;
  contiguous: boolean;
}

/** The peer: k-means of household points, Voronoi cells of the clusters' centres clipped to the community; quality measured in SQL. */
async function peer(c: Client, k: number): Promise<{ ms: number; q: Quality }> {
  const t0 = process.hrtime.bigint();
  const { rows } = await c.query(
    `WITH a AS (SELECT geom FROM area WHERE code = 'C1'),
     pts AS (SELECT p.geom, ST_ClusterKMeans(p.geom, $1) OVER () AS k FROM place p JOIN household h ON h.place_id = p.id),
     centres AS (SELECT k, ST_Centroid(ST_Collect(geom)) AS c FROM pts GROUP BY k),
     cells AS (SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(c), 0, (SELECT ST_Expand(geom, 0.01) FROM a)))).geom AS v FROM centres),
     grids AS (SELECT ST_Multi(ST_CollectionExtract(ST_Intersection(cells.v, a.geom), 3)) AS g FROM cells, a)
     SELECT (SELECT count(*) FROM place p JOIN household h ON h.place_id = p.id WHERE ST_Covers(grids.g, p.geom))::int AS hh,
            4 * pi() * ST_Area(g::geography) / ST_Perimeter(g::geography) ^ 2 AS pp, ST_NumGeometries(g) AS parts
       FROM grids WHERE NOT ST_IsEmpty(g)`,
    [k],
  );
  const time = ms(t0);
  return { ms: time, q: quality(rows.map((r) => ({ households: r.hh, compactness: r.pp, parts: r.parts }))) };
}

function quality(grids: { households: number; compactness: number; parts: number }[]): Quality {
  const hh = grids.map((g) => g.households);
  const cs = grids.map((g) => g.compactness).sort((x, y) => x - y);
  const min = Math.min(...hh);
  return {
    grids: grids.length,
    maxMin: min > 0 ? Math.round((Math.max(...hh) / min) * 100) / 100 : null,
    medianCompactness: Math.round(cs[Math.floor(cs.length / 2)] * 100) / 100,
    contiguous: grids.every((g) => g.parts === 1),
  };
}

run(async () => {
  const db = await createBenchDb('studio_proposal');
  const c = await connect(db.url);
  const api = await startApi(db.url);
  try {
    await buildCommunity(c);
    const {
      rows: [{ n }],
    } = await c.query(`SELECT count(*)::int AS n FROM household`);
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${api.url}/api/areas/proposals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ parentCode: 'C1', householdsPerGrid: PER_GRID }),
    });
    const oursMs = ms(t0);
    if (res.status !== 201) throw new Error(`proposal: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { versionId: number; grids: { households: number; compactness: number; parts: number }[] };
    const {
      rows: [{ cut }],
    } = await c.query(
      `SELECT count(*)::int AS cut FROM (SELECT coalesce(p.parent_id, p.id) FROM area d JOIN place p ON p.geom && d.geom AND ST_Covers(d.geom, p.geom)
         WHERE d.version_id = $1 GROUP BY 1 HAVING count(DISTINCT d.code) > 1) x`,
      [body.versionId],
    );
    const ours = quality(body.grids);
    const theirs = await peer(c, ours.grids);
    console.log(`community of ${n} households, ${PER_GRID} per grid → ${ours.grids} grids`);
    console.log(`proposal (API, HTTP):    ${oursMs.toFixed(0)} ms; max/min ${ours.maxMin}, median compactness ${ours.medianCompactness}, contiguous ${ours.contiguous}, compounds cut ${cut} of ${HOUSEHOLDS / 4}`);
    console.log(`peer k-means + Voronoi:  ${theirs.ms.toFixed(0)} ms; max/min ${theirs.q.maxMin}, median compactness ${theirs.q.medianCompactness}, contiguous ${theirs.q.contiguous}`);
    console.log(`time ratio (proposal / peer): ${(oursMs / theirs.ms).toFixed(1)}x`);
    return verdict(
      'proposal quality for 5,000 households',
      ours.maxMin !== null && ours.maxMin <= 1.5 && ours.medianCompactness >= 0.3 && ours.contiguous,
      `max/min ${ours.maxMin} (≤ 1.5), median compactness ${ours.medianCompactness} (≥ 0.3), contiguous ${ours.contiguous}`,
    );
  } finally {
    await c.end();
    await api.stop();
    await db.drop();
  }
});
