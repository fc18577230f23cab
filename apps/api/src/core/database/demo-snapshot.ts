import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MIGRATIONS } from '../../migrations';
import { demoAssetsDir } from '../../modules/demo/demo-assets';

/**
 * The embedded demo, generated once and kept as a copy of the database folder: a later fresh start
 * (a new DATA_DIR, or `.data` removed) copies it (~150–400 MB, under a second) instead of generating
 * the city, its population and a year of history row by row (20–40 s), and skips initdb and the
 * migrations too.
 *
 * Where: `<dir>/demo-<key>/`, by default `node_modules/.cache/grid-command` (per checkout, never
 * committed, removed by `npm ci`). The key covers what the copy was made from: the migrations, the
 * demo's code and assets, and the PGlite version; a copy for another key is deleted when a new one is made.
 *
 * What the copy holds that belongs to one installation is renewed after it is restored (see
 * DatabaseInfo.restoredFromSnapshot): the token signing key is regenerated and the first
 * administrator gets a new one-time password. The generated PII key stays (the demo's personal data
 * is encrypted with it), so a snapshot is made and used only when PII_KEY is not set.
 */
export function snapshotKey(): string {
  const h = createHash('sha256');
  h.update(MIGRATIONS.map((m) => m.name).join(','));
  const code = resolve(__dirname, '../../modules/demo');
  for (const f of readdirSync(code).sort()) if (/\.(js|ts)$/.test(f) && !/spec/.test(f)) h.update(f).update(readFileSync(join(code, f)));
  const assets = demoAssetsDir();
  for (const f of readdirSync(assets).sort()) h.update(f).update(String(statSync(join(assets, f)).size));
  const pglite = join(dirname(require.resolve('@electric-sql/pglite')), '../package.json');
  h.update(existsSync(pglite) ? (JSON.parse(readFileSync(pglite, 'utf8')) as { version: string }).version : 'unknown');
  return h.digest('hex').slice(0, 16);
}

const folder = (dir: string) => join(dir, `demo-${snapshotKey()}`);

/** Copy the snapshot into an empty `pgDir`; false when there is none (or `pgDir` already holds a database). */
export function restoreSnapshot(dir: string, pgDir: string): boolean {
  const from = folder(dir);
  if (existsSync(join(pgDir, 'PG_VERSION')) || !existsSync(join(from, 'PG_VERSION'))) return false;
  mkdirSync(pgDir, { recursive: true });
  cpSync(from, pgDir, { recursive: true });
  return true;
}

/**
 * Where the snapshot for this checkout's key goes, and the prefix of the folders it replaces. The
 * copy itself is made by the embedded database (EmbeddedDatabase.snapshot): right after a
 * CHECKPOINT, with no statement running during the copy (what a crash would leave just after a
 * checkpoint: PostgreSQL opens it with a short recovery).
 */
export const snapshotTarget = (dir: string): { to: string; keepPrefix: string } => ({ to: resolve(folder(dir)), keepPrefix: 'demo-' });

export const hasSnapshot = (dir: string) => existsSync(join(folder(dir), 'PG_VERSION'));
