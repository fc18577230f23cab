import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BootError } from '../boot/boot-error';
import type { EmbeddedWorkerData } from './embedded-postgis.worker';

export interface EmbeddedDatabase {
  url: string;
  /** the database folder */
  dir: string;
  /**
   * Copy the database folder to `to` right after a CHECKPOINT, with no statement running during
   * the copy (the caller holds the only pool connection, idle). Folders beside `to` whose names
   * start with `keepPrefix` are removed (only the newest snapshot is kept).
   */
  snapshot(to: string, keepPrefix: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The zero-setup database: a real PostgreSQL 18 + PostGIS 3.6 compiled to WebAssembly (PGlite),
 * persisted in `<dataDir>/pg`, exposed to `pg` and TypeORM over a loopback socket so that the rest
 * of the app cannot tell it from a server. Queries from all connections run one at a time (a
 * connection in a transaction holds the others until it ends), so the app uses a pool of one.
 *
 * PGlite runs in a worker thread (embedded-postgis.worker.ts): opening it (initdb on a first start,
 * 2–8 s of WebAssembly) runs while the main thread loads the application, and afterwards the
 * database's work and the application's JavaScript run on two cores instead of one. The app talks
 * to it over a loopback socket (pglite-session-server.ts: one connection's exchange or transaction
 * at a time on the one session). The worker is the built file: run the built app (dist/), as
 * `npm start` and the tests do.
 */
export async function startEmbeddedPostgis(dataDir: string, port = 0): Promise<EmbeddedDatabase> {
  const dir = resolve(dataDir, 'pg');
  mkdirSync(dir, { recursive: true });
  const file = join(__dirname, 'embedded-postgis.worker.js');
  if (!existsSync(file)) throw new BootError(`embedded database: ${file} is missing (run the built app: npm run build)`);
  return startInWorker(file, dir, port);
}

function startInWorker(file: string, dir: string, port: number): Promise<EmbeddedDatabase> {
  const worker = new Worker(file, { workerData: { dir, port } satisfies EmbeddedWorkerData });
  let seq = 0;
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  const call = (msg: { op: 'snapshot'; to: string; keepPrefix: string } | { op: 'stop' }) =>
    new Promise<void>((resolve, reject) => {
      const id = ++seq;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...msg, id });
    });
  return new Promise<EmbeddedDatabase>((resolveStart, rejectStart) => {
    let started = false;
    worker.on('message', (m: { op: string; port?: number; message?: string; id?: number; error?: string }) => {
      if (m.op === 'ready') {
        started = true;
        let stopped: Promise<void> | null = null;
        resolveStart({
          url: `postgres://postgres@127.0.0.1:${m.port}/postgres`,
          dir,
          snapshot: (to, keepPrefix) => call({ op: 'snapshot', to, keepPrefix }),
          stop: () =>
            (stopped ??= call({ op: 'stop' })
              .catch(() => undefined)
              .then(() => worker.terminate())
              .then(() => undefined)),
        });
      } else if (m.op === 'failed') {
        rejectStart(new BootError(m.message ?? 'embedded database: cannot start'));
        void worker.terminate();
      } else if (m.op === 'done' && m.id) {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.error) p?.reject(new Error(m.error));
        else p?.resolve();
      }
    });
    worker.on('error', (e) => {
      if (!started) rejectStart(new BootError(`embedded database: ${e.message}`));
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
    worker.on('exit', (code) => {
      if (!started) rejectStart(new BootError(`embedded database: its thread stopped (exit code ${code})`));
      for (const p of pending.values()) p.reject(new Error(`embedded database thread stopped (exit code ${code})`));
      pending.clear();
    });
  });
}
