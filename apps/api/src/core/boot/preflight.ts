import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { BootError } from './boot-error';
import type { AppConfig } from '../config/config.schema';
import { startEmbeddedPostgis, type EmbeddedDatabase } from '../database/embedded-postgis';
import type { DatabaseInfo } from '../database/database.tokens';
import { restoreSnapshot } from '../database/demo-snapshot';
import { bootPhase, bootStep } from './boot-steps';

/** Fail early, with one line, when the port is taken. */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) =>
      reject(new BootError(e.code === 'EADDRINUSE' ? `port ${port} is already in use: stop the other process or set PORT` : `cannot listen on ${host}:${port}: ${e.message}`)),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** The database's address, and the embedded database when this process runs it. */
export interface OpenedDatabase {
  url: string;
  embedded?: EmbeddedDatabase;
  restoredFromSnapshot: boolean;
}

/**
 * The embedded database: the demo snapshot copied in when the folder is empty, then PGlite started
 * in its own thread. main.ts calls this first and loads the application's code while it opens.
 * With DATABASE_URL there is nothing to open here.
 */
export async function openDatabase(config: AppConfig): Promise<OpenedDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, restoredFromSnapshot: false };
  let restoredFromSnapshot = false;
  if (config.demoSnapshotDir) {
    bootPhase('copying the demo snapshot', 'DEMO_SNAPSHOT_DIR');
    const t = Date.now();
    restoredFromSnapshot = restoreSnapshot(config.demoSnapshotDir, resolve(config.DATA_DIR, 'pg'));
    if (restoredFromSnapshot) bootStep('demo snapshot copied', Date.now() - t);
  }
  bootPhase('opening the embedded database', 'DATA_DIR');
  const t = Date.now();
  const embedded = await startEmbeddedPostgis(config.DATA_DIR);
  bootStep('embedded database opened (own thread)', Date.now() - t);
  return { url: embedded.url, embedded, restoredFromSnapshot };
}

/**
 * Start (embedded) or reach (server) PostgreSQL, make sure PostGIS is there,
 * and find out what it can do. Every failure becomes one BootError line.
 */
export async function prepareDatabase(config: AppConfig, opening: Promise<OpenedDatabase> = openDatabase(config)): Promise<{ info: DatabaseInfo; embedded?: EmbeddedDatabase }> {
  const { url, embedded, restoredFromSnapshot } = await opening;
  bootPhase(embedded ? 'checking the embedded database' : 'connecting to the database', embedded ? 'DATA_DIR' : 'DATABASE_URL');
  const t0 = Date.now();
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10000 });
  try {
    await client.connect();
  } catch (e) {
    await embedded?.stop();
    throw new BootError(`database: cannot connect to ${redact(url)} (${(e as Error).message}); check DATABASE_URL`);
  }
  try {
    const serverVersion = (await client.query('SHOW server_version')).rows[0].server_version as string;
    // PGlite (ours, or another one behind DATABASE_URL) is one session shared by all its connections.
    const singleSession = Boolean(embedded) || /PGlite/.test((await client.query('SELECT version() AS v')).rows[0].v as string);
    const available = await client.query(`SELECT name FROM pg_available_extensions WHERE name = ANY($1::text[])`, [['postgis', 'ltree', 'pg_trgm']]);
    const names = new Set(available.rows.map((r: { name: string }) => r.name));
    for (const ext of ['postgis', 'ltree', 'pg_trgm']) {
      if (!names.has(ext)) {
        throw new BootError(
          `database: the ${ext} extension is not installed on the server at ${redact(url)}` + (ext === 'postgis' ? ' (Debian: apt-get install postgresql-15-postgis-3; or use the postgis/postgis image)' : ''),
        );
      }
    }
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS ltree; CREATE EXTENSION IF NOT EXISTS pg_trgm;');
    } catch (e) {
      throw new BootError(`database: cannot create extensions (${(e as Error).message}); run postgis/bootstrap.sql as a superuser`);
    }
    const postgisVersion = (await client.query('SELECT postgis_lib_version() v')).rows[0].v as string;
    let mvt = true;
    try {
      await client.query(`SELECT ST_AsMVT(q) FROM (SELECT 1 AS id, ST_AsMVTGeom('POINT(0 0)'::geometry, ST_MakeEnvelope(-1,-1,1,1)) AS geom) q`);
    } catch {
      mvt = false; // the embedded build has no protobuf-c: tiles are encoded in Node instead
    }
    bootStep(embedded ? 'PostGIS checked' : 'database reached, PostGIS checked', Date.now() - t0);
    return {
      info: {
        mode: embedded ? 'embedded' : 'server',
        url,
        poolSize: singleSession ? 1 : config.DB_POOL_SIZE,
        singleSession,
        mvt,
        postgisVersion,
        serverVersion,
        pgDir: embedded?.dir,
        snapshot: embedded?.snapshot,
        restoredFromSnapshot,
      },
      embedded,
    };
  } catch (e) {
    await client.end().catch(() => undefined);
    await embedded?.stop();
    throw e instanceof BootError ? e : new BootError(`database: ${(e as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
