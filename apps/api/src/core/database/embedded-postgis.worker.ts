import { mkdirSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { copySnapshotFolder } from './snapshot-folder';
import { PgliteSessionServer } from './pglite-session-server';
import { loadPglite } from './pglite-load';
import { postgisExtension } from './postgis-bundle';

// The contrib entry points declare ESM-only types but ship CommonJS builds too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ltree } = require('@electric-sql/pglite/contrib/ltree') as typeof import('@electric-sql/pglite/contrib/ltree', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as typeof import('@electric-sql/pglite/contrib/pg_trgm', { with: { 'resolution-mode': 'import' } });

/**
 * The embedded database's own thread (see embedded-postgis.ts): PGlite (PostgreSQL compiled to
 * WebAssembly, one thread) and the loopback socket the app's `pg` pool connects to. Here the
 * database runs on one core while the application's JavaScript (Nest, the demo's generation, the
 * password hashing, the requests) runs on the other.
 *
 * Messages in: { op: 'snapshot', to } (CHECKPOINT, then copy the folder synchronously: while the
 * copy runs this thread runs no statement, so the copy is the state of one instant) and
 * { op: 'stop' }. Out: { op: 'ready', port } | { op: 'failed', message } | { op: 'done', id, error? }.
 */
export interface EmbeddedWorkerData {
  dir: string;
  port: number;
}

type Request = { id: number; op: 'snapshot'; to: string; keepPrefix: string } | { id: number; op: 'stop' };

const { dir, port } = workerData as EmbeddedWorkerData;
const post = (m: unknown) => parentPort!.postMessage(m);

async function main(): Promise<void> {
  let db: PGlite;
  try {
    mkdirSync(dir, { recursive: true });
    db = await loadPglite().PGlite.create({ dataDir: dir, extensions: { postgis: postgisExtension(), ltree, pg_trgm } });
  } catch (e) {
    post({ op: 'failed', message: `embedded database: cannot open ${dir} (${(e as Error).message}); is another instance using it?` });
    return;
  }
  const server = new PgliteSessionServer(db);
  let listening: number;
  try {
    listening = await server.listen(port);
  } catch (e) {
    await db.close().catch(() => undefined);
    post({ op: 'failed', message: `embedded database: cannot listen on 127.0.0.1 (${(e as Error).message})` });
    return;
  }
  parentPort!.on('message', (m: Request) => {
    void (async () => {
      try {
        if (m.op === 'snapshot') {
          // between two exchanges of the app's connections, none inside a transaction
          await server.exclusive(async (session) => {
            await session.query('CHECKPOINT');
            copySnapshotFolder(dir, m.to, m.keepPrefix);
          });
        } else if (m.op === 'stop') {
          await server.stop();
          await db.close();
        }
        post({ op: 'done', id: m.id });
      } catch (e) {
        post({ op: 'done', id: m.id, error: (e as Error).message });
      }
    })();
  });
  post({ op: 'ready', port: listening });
}

void main();
