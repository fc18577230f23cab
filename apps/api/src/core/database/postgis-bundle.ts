import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Extension } from '@electric-sql/pglite';

type PostgisModule = typeof import('@electric-sql/pglite-postgis');

/** What the app uses of the PostGIS package: the postgis extension (its library, its SQL, PROJ's data), not raster, topology or the geocoder. */
const KEEP = /^(lib\/postgresql\/postgis-3\.so|share\/postgresql\/extension\/postgis(\.control|--.*\.sql)|share\/proj\/.*|[^.]*\/)$/;

/**
 * The postgis extension for PGlite, from a bundle of only what the app uses. The package's bundle
 * (20 MB gzipped, 92 MB of files) is unpacked into PGlite's memory on every open, with three
 * WebAssembly libraries of 15–17 MB each (postgis, raster, topology) compiled; opening a fresh
 * database with the whole bundle took ~1.5–2 s more CPU than with this one. The smaller bundle is
 * made once from the package's own (kept beside the demo snapshot, in node_modules/.cache, so a
 * new install makes it again) and stored uncompressed inside its gzip frame (level 0: unpacking it
 * costs a copy, not an inflate). If it cannot be made, the package's bundle is used.
 */
export function postgisExtension(): Extension {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { postgis } = require('@electric-sql/pglite-postgis') as PostgisModule;
  const bundle = trimmedBundle();
  if (!bundle) return postgis;
  return {
    name: 'postgis',
    setup: async (pg, options) => ({ ...(await postgis.setup(pg, options)), bundlePath: pathToFileURL(bundle) }),
  };
}

function trimmedBundle(): string | null {
  try {
    const dist = dirname(require.resolve('@electric-sql/pglite-postgis'));
    const full = join(dist, 'postgis.tar.gz');
    const { version } = JSON.parse(readFileSync(join(dist, '../package.json'), 'utf8')) as { version: string };
    const to = resolve(dist, '../../../.cache/grid-command', `postgis-${version}-${statSync(full).size}.tar.gz`);
    if (existsSync(to)) return to;
    const kept = keepEntries(gunzipSync(readFileSync(full)));
    if (!kept) return null;
    mkdirSync(dirname(to), { recursive: true });
    const tmp = `${to}.tmp-${process.pid}`;
    writeFileSync(tmp, gzipSync(kept, { level: 0 }));
    renameSync(tmp, to);
    return to;
  } catch {
    return null;
  }
}

/** The tar archive with only the entries KEEP names; null if it holds entries of a kind not read here (long names, hard links). */
function keepEntries(tar: Buffer): Buffer | null {
  const out: Buffer[] = [];
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, len: number) => header.toString('latin1', from, from + len).replace(/\0.*$/s, '');
    const name = (field(345, 155) ? field(345, 155) + '/' : '') + field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    if (type !== '0' && type !== '2' && type !== '5') return null; // files, symbolic links, folders
    const span = 512 + Math.ceil(size / 512) * 512;
    if (KEEP.test(name)) out.push(tar.subarray(at, at + span));
    at += span;
  }
  out.push(Buffer.alloc(1024));
  return Buffer.concat(out);
}
