import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { BootError } from '../boot/boot-error';

// The contrib entry points declare ESM-only types but ship CommonJS builds too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ltree } = require('@electric-sql/pglite/contrib/ltree') as typeof import('@electric-sql/pglite/contrib/ltree', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as typeof import('@electric-sql/pglite/contrib/pg_trgm', { with: { 'resolution-mode': 'import' } });

export interface EmbeddedDatabase {
  url: string;
  /** the database folder */
  dir: string;
  stop(): Promise<void>;
}

/**
 * The zero-setup database: a real PostgreSQL 18 + PostGIS 3.6 compiled to
 * WebAssembly (PGlite), persisted in `<dataDir>/pg`, exposed to `pg` and
 * TypeORM over a loopback socket so that the rest of the app cannot tell it
 * from a server. Queries from all connections run one at a time (a connection in a
 * transaction holds the others until it ends), so the app uses a pool of one.
 */
export async function startEmbeddedPostgis(dataDir: string, port = 0): Promise<EmbeddedDatabase> {
  const dir = resolve(dataDir, 'pg');
  mkdirSync(dir, { recursive: true });
  let db: PGlite;
  try {
    db = await PGlite.create({ dataDir: dir, extensions: { postgis, ltree, pg_trgm } });
  } catch (e) {
    throw new BootError(`embedded database: cannot open ${dir} (${(e as Error).message}); is another instance using it?`);
  }
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 16 });
  await server.start();
  const address = (server as unknown as { server?: { address(): { port: number } } }).server?.address();
  const actualPort = address?.port ?? port;
  return {
    url: `postgres://postgres@127.0.0.1:${actualPort}/postgres`,
    dir,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
