/**
 * Area vector tiles (issue 3): `GET /api/tiles/areas/v<id>/14/x/y.mvt` on the real API process
 * against its peer, the raw `ST_AsMVT` SQL the endpoint wraps (the same statement, taken from the
 * built AreaTilesRepository, with the same parameters) run with bare `pg` in a minimal Fastify app.
 * Targets: API ≥ 0.7x the peer's tiles/s at z14 over a city of 100k grid cells; no tile over
 * 500 KB at any zoom 8–16 (a sample of tiles per zoom, through the API).
 *
 * BENCH_CONNECTIONS (8), BENCH_SECONDS (8), BENCH_ROUNDS (2), BENCH_SAMPLE (25 tiles per zoom).
 * Run: node scripts/bench.mjs areas-tiles
 */
import { join } from 'node:path';
import Fastify from 'fastify';
import { Pool } from 'pg';
import { buildCity, connect, createBenchDb, load, median, ROOT, run, scaled, startApi, startPeer, verdict, type City, type LoadResult } from './support';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 25);
const TARGET = 0.7;
const MAX_BYTES = 500 * 1024;
const Z = 14;
const WORLD_M = 40075016.68557849;

const tileX = (lon: number, z: number) => Math.floor(((lon + 180) / 360) * 2 ** z);
const tileY = (lat: number, z: number) => {
  const r = (lat * Math.PI) / 180;
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
};

function tileRange(city: City, z: number) {
  return { x0: tileX(city.x0, z), x1: tileX(city.x1, z), y0: tileY(city.y1, z), y1: tileY(city.y0, z) };
}

function randomTile(city: City, z: number): [number, number] {
  const r = tileRange(city, z);
  return [r.x0 + Math.floor(Math.random() * (r.x1 - r.x0 + 1)), r.y0 + Math.floor(Math.random() * (r.y1 - r.y0 + 1))];
}

/** The peer: the repository's own ST_AsMVT statement, bare pg, parameters as the service computes them at z14. */
async function peer(port: number, databaseUrl: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AreaTilesRepository } = require(join(ROOT, 'dist/api/apps/api/src/modules/areas/area-tiles.repository.js'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { maxRankForZoom } = require(join(ROOT, 'dist/api/apps/api/src/modules/areas/area-tiles.service.js'));
  const repo = new AreaTilesRepository();
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const db = { query: async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows };
  const {
    rows: [v],
  } = await pool.query(`SELECT published_at::text AS at FROM area_version WHERE status = 'published' ORDER BY published_at DESC LIMIT 1`);
  const app = Fastify({ logger: false });
  app.get('/tile/:z/:x/:y', async (req, reply) => {
    const p = req.params as { z: string; x: string; y: string };
    const z = Number(p.z);
    const tile: Buffer = await repo.mvt(db, { z, x: Number(p.x), y: Number(p.y), at: v.at, maxRank: maxRankForZoom(z), tolerance: (0.5 * WORLD_M) / 2 ** z / 4096, minSizeDeg: 0 });
    return reply.header('content-type', 'application/vnd.mapbox-vector-tile').send(tile);
  });
  await app.listen({ port, host: '127.0.0.1' });
}

async function main(): Promise<void> {
  const db = await createBenchDb('tiles');
  const servers: { stop(): Promise<void> }[] = [];
  try {
    const c = await connect(db.url);
    const city = await buildCity(c, scaled(100000, 100));
    await c.end();
    const api = await startApi(db.url);
    servers.push(api);
    const bare = await startPeer(__filename, db.url, '/tile/0/0/0');
    servers.push(bare);
    const auth = { authorization: `Bearer ${api.token}` };
    const key = ((await (await fetch(`${api.url}/api/areas/tiles.json`, { headers: auth })).json()) as { version: string }).version;
    const r14 = tileRange(city, Z);
    console.log(`city: ${city.cells} grid cells; z${Z}: ${(r14.x1 - r14.x0 + 1) * (r14.y1 - r14.y0 + 1)} tiles over it; tile URL key ${key}`);

    // Same bytes from both for one tile, before timing.
    const [sx, sy] = [(r14.x0 + r14.x1) >> 1, (r14.y0 + r14.y1) >> 1];
    const a = Buffer.from(await (await fetch(`${api.url}/api/tiles/areas/${key}/${Z}/${sx}/${sy}.mvt`, { headers: auth })).arrayBuffer());
    const b = Buffer.from(await (await fetch(`${bare.url}/tile/${Z}/${sx}/${sy}`)).arrayBuffer());
    if (!a.length || !a.equals(b)) throw new Error(`API and peer tiles differ at ${Z}/${sx}/${sy}: ${a.length} vs ${b.length} bytes`);
    console.log(`z${Z} centre tile ${sx}/${sy}: ${a.length} bytes from both`);

    const runs = {
      api: () => load({ url: api.url, connections: CONNECTIONS, seconds: SECONDS, headers: auth, path: () => `/api/tiles/areas/${key}/${Z}/${randomTile(city, Z).join('/')}.mvt` }),
      peer: () => load({ url: bare.url, connections: CONNECTIONS, seconds: SECONDS, path: () => `/tile/${Z}/${randomTile(city, Z).join('/')}` }),
    };
    await load({ url: api.url, connections: CONNECTIONS, seconds: 2, headers: auth, path: () => `/api/tiles/areas/${key}/${Z}/${randomTile(city, Z).join('/')}.mvt` });
    await load({ url: bare.url, connections: CONNECTIONS, seconds: 2, path: () => `/tile/${Z}/${randomTile(city, Z).join('/')}` });
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
    console.log(`${CONNECTIONS} connections, ${SECONDS} s × ${ROUNDS} rounds, random z${Z} tiles over the city (median)`);
    console.log(`API  GET /api/tiles/areas/…mvt : ${rate('api').toFixed(0)} tiles/s, p99 ${p99('api')} ms  (runs: ${results.api.map((x) => x.rps.toFixed(0)).join(', ')})`);
    console.log(`peer Fastify + bare ST_AsMVT    : ${rate('peer').toFixed(0)} tiles/s, p99 ${p99('peer')} ms  (runs: ${results.peer.map((x) => x.rps.toFixed(0)).join(', ')})`);
    const ratio = rate('api') / rate('peer');
    verdict(`z${Z} tile rate API / peer`, ratio >= TARGET, `${ratio.toFixed(2)}x (target ≥ ${TARGET}x)`);

    // Largest tile per zoom: the centre tile plus a random sample, through the API (with its size guard).
    let largest = { bytes: 0, tile: '' };
    const perZoom: string[] = [];
    for (let z = 8; z <= 16; z++) {
      const r = tileRange(city, z);
      const tiles = new Set<string>([`${(r.x0 + r.x1) >> 1}/${(r.y0 + r.y1) >> 1}`]);
      for (let i = 0; i < SAMPLE * 4 && tiles.size < SAMPLE; i++) tiles.add(randomTile(city, z).join('/'));
      let max = 0;
      for (const t of tiles) {
        const res = await fetch(`${api.url}/api/tiles/areas/${key}/${z}/${t}.mvt`, { headers: auth });
        if (res.status !== 200) throw new Error(`tile ${z}/${t}: ${res.status}`);
        const n = (await res.arrayBuffer()).byteLength;
        max = Math.max(max, n);
        if (n > largest.bytes) largest = { bytes: n, tile: `${z}/${t}` };
      }
      perZoom.push(`z${z} ${(max / 1024).toFixed(1)} KB (${tiles.size})`);
    }
    console.log(`largest tile per zoom (sampled tiles): ${perZoom.join(', ')}`);
    verdict('largest tile, zooms 8–16', largest.bytes <= MAX_BYTES, `${(largest.bytes / 1024).toFixed(1)} KB at ${largest.tile} (limit 500 KB)`);
  } finally {
    for (const s of servers) await s.stop();
    await db.drop();
  }
}

run(main, peer);
