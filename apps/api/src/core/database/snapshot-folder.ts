import { cpSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Copy a database folder to `to` through a temporary folder (a half-made copy is never taken for a
 * snapshot); of the folders beside `to` whose names start with `keepPrefix`, only `to` is kept.
 * The caller makes sure nothing writes to `from` during the copy (demo-snapshot.ts).
 */
export function copySnapshotFolder(from: string, to: string, keepPrefix: string): void {
  const parent = dirname(to);
  const tmp = `${to}.tmp-${process.pid}`;
  mkdirSync(parent, { recursive: true });
  rmSync(tmp, { recursive: true, force: true });
  cpSync(from, tmp, { recursive: true, filter: (src) => !src.endsWith('postmaster.pid') });
  rmSync(to, { recursive: true, force: true });
  renameSync(tmp, to);
  for (const f of readdirSync(parent)) if (f.startsWith(keepPrefix) && join(parent, f) !== to && !f.includes('.tmp-')) rmSync(join(parent, f), { recursive: true, force: true });
}
