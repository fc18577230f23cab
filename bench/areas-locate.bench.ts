/**
 * Locate over HTTP (issue 3): `GET /api/areas/locate?lon&lat` on the real API process
 * (auth guard, zod validation, the lookup on area_part pieces, the chain of parents) against
 * its peer, the same point lookup (area_part && point, ST_Covers, deepest current area) done
 * with one bare `pg` query in a minimal Fastify app with the same pool size.
 * Target: API ≥ 0.7x the peer's requests/s. City: 100k grid cells (BENCH_SCALE scales it).
 *
 * BENCH_CONNECTIONS (16), BENCH_SECONDS (8), BENCH_ROUNDS (2, order alternated).
 * Run: node scripts/bench.mjs areas-locate
 */
import Fastify from 'fastify';
import { Pool } from 'pg';
import { buildCity, connect, createBenchDb, load, median, run, scaled, startApi, startPeer, verdict, type LoadResult } from './support';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const TARGET = 0.7;

/** The peer: the lookup the API does, as one bare query. */
export const PEER_SQL = `SELECT a.id::int, a.code, a.name, a.level, a.path::text AS path, a.version_id::int AS "versionId"
   FROM area_part p JOIN area a ON a.id = p.area_id
  WHERE p.geom && ST_SetSRID(ST_MakePoint($1, $2), 4326)
    AND ST_Covers(p.geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
    AND a.valid_from IS NOT NULL AND a.valid_from <= now() AND (a.valid_to IS NULL OR a.valid_to > now())
  ORDER BY nlevel(a.path) DESC, a.code
  LIMIT 1`;

async function peer(port: number, databaseUrl: string): Promise<void> {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const app = Fastify({ logger: false });
  app.get('/locate', async (req, reply) => {
    const q = req.query as { lon?: string; lat?: string };
    const { rows } = await pool.query(PEER_SQL, [Number(q.lon), Number(q.lat)]);
    if (!rows[0]) return reply.code(404).send({ code: 'NOT_IN_ANY_GRID' });
    return rows[0];
  });
  await app.listen({ port, host: '127.0.0.1' });
}

async function main(): Promise<void> {
  const db = await createBenchDb('locate');
  const servers: { stop(): Promise<void> }[] = [];
  try {
    const c = await connect(db.url);
    const t0 = Date.now();
    const city = await buildCity(c, scaled(100000, 100));
    await c.end();
    console.log(`city: ${city.cells} grid cells (${city.cols}×${city.rows}), 4 districts, built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const api = await startApi(db.url);
    servers.push(api);
    const bare = await startPeer(__filename, db.url, '/locate?lon=0&lat=0');
    servers.push(bare);
    const point = (prefix: string) => () => {
      const lon = city.x0 + Math.random() * (city.x1 - city.x0);
      const lat = city.y0 + Math.random() * (city.y1 - city.y0);
      return `${prefix}?lon=${lon.toFixed(6)}&lat=${lat.toFixed(6)}`;
    };
    const auth = { authorization: `Bearer ${api.token}` };
    const runs = {
      api: () => load({ url: api.url, connections: CONNECTIONS, seconds: SECONDS, path: point('/api/areas/locate'), headers: auth }),
      peer: () => load({ url: bare.url, connections: CONNECTIONS, seconds: SECONDS, path: point('/locate') }),
    };
    // Check both answer the same grid for one point before timing anything.
    const probe = point('')();
    const a = (await (await fetch(`${api.url}/api/areas/locate${probe}`, { headers: auth })).json()) as { grid: { code: string } };
    const b = (await (await fetch(`${bare.url}/locate${probe}`)).json()) as { code: string };
    if (a.grid?.code !== b.code) throw new Error(`API and peer disagree at ${probe}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    // Warm-up (JIT, plan caches, shared buffers).
    await load({ url: api.url, connections: CONNECTIONS, seconds: 2, path: point('/api/areas/locate'), headers: auth });
    await load({ url: bare.url, connections: CONNECTIONS, seconds: 2, path: point('/locate') });
    const results: Record<'api' | 'peer', LoadResult[]> = { api: [], peer: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const k of (r % 2 ? ['peer', 'api'] : ['api', 'peer']) as ('api' | 'peer')[]) {
        const x = await runs[k]();
        if (x.non2xx || x.errors) throw new Error(`${k}: ${x.non2xx} non-2xx, ${x.errors} errors`);
        results[k].push(x);
      }
    }
    const rate = (k: 'api' | 'peer') => median(results[k].map((x) => x.rps));
    const p99 = (k: 'api' | 'peer') => median(results[k].map((x) => x.p99));
    console.log(`${CONNECTIONS} connections, ${SECONDS} s × ${ROUNDS} rounds, random points over the city (median)`);
    console.log(`API  GET /api/areas/locate : ${rate('api').toFixed(0)} req/s, p99 ${p99('api')} ms  (runs: ${results.api.map((x) => x.rps.toFixed(0)).join(', ')})`);
    console.log(`peer Fastify + bare pg     : ${rate('peer').toFixed(0)} req/s, p99 ${p99('peer')} ms  (runs: ${results.peer.map((x) => x.rps.toFixed(0)).join(', ')})`);
    const ratio = rate('api') / rate('peer');
    verdict('locate rate API / peer', ratio >= TARGET, `${ratio.toFixed(2)}x (target ≥ ${TARGET}x)`);
  } finally {
    for (const s of servers) await s.stop();
    await db.drop();
  }
}

run(main, peer);
