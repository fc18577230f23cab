/**
 * Locate over HTTP (issue 3): `GET /api/areas/locate?lon&lat` on the real API process
 * (auth guard, zod validation, the lookup on area_part pieces with the chain of parents) against
 * its peer, the same lookup (area_part && point, ST_Covers, deepest current area, chain: the
 * repository's own single statement) done with bare `pg` in a minimal Fastify app, same pool size.
 * Target: API ≥ 0.7x the peer's requests/s. City: 100k grid cells (BENCH_SCALE scales it).
 *
 * BENCH_CONNECTIONS (16), BENCH_SECONDS (8), BENCH_ROUNDS (2, order alternated).
 * Run: node scripts/bench.mjs areas-locate
 */
import { join } from 'node:path';
import Fastify from 'fastify';
import { Pool } from 'pg';
import { buildCity, connect, createBenchDb, load, median, ROOT, run, scaled, startApi, startPeer, verdict, type LoadResult } from './support';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const TARGET = 0.7;

/**
 * The peer: the very statement the API runs for locate (grid + chain of parents, taken from the
 * built AreaLookupRepository), bare pg, no auth, no validation, no framework.
 */
async function peer(port: number, databaseUrl: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AreaLookupRepository } = require(join(ROOT, 'dist/api/apps/api/src/modules/areas/area-lookup.repository.js'));
  const repo = new AreaLookupRepository();
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const db = { query: async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows };
  const app = Fastify({ logger: false });
  app.get('/locate', async (req, reply) => {
    const q = req.query as { lon?: string; lat?: string };
    const hit = await repo.locateWithChain(db, Number(q.lon), Number(q.lat), null);
    if (!hit) return reply.code(404).send({ code: 'NOT_IN_ANY_GRID' });
    return { grid: { code: hit.code, name: hit.name, level: hit.level }, chain: hit.chain, versionId: hit.versionId };
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
    const b = (await (await fetch(`${bare.url}/locate${probe}`)).json()) as { grid: { code: string } };
    if (a.grid?.code !== b.grid?.code) throw new Error(`API and peer disagree at ${probe}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
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
