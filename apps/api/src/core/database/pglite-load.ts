import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';

type PgliteModule = typeof import('@electric-sql/pglite');

/** The dlsym of PGlite 0.5's dynamic linker, as built, and the same lookup with the library's symbol positions kept. */
const SLOW_DLSYM = 'if(o=Object.keys(s.exports).indexOf(t),a=s.exports[t],';
const FAST_DLSYM = 'if(o=(s.symbolIndex??=new Map(Object.keys(s.exports).map((k,i)=>[k,i]))).get(t)??-1,a=s.exports[t],';

/**
 * PGlite, loaded with one fix to its WebAssembly dynamic linker. Every lookup of a symbol in an
 * extension's library (`dlsym`: PostgreSQL does two for each C function it creates or first calls)
 * listed ALL the library's exports (Object.keys) to find the symbol's position. postgis-3.so exports
 * thousands, and `CREATE EXTENSION postgis` creates about a thousand C functions: ~75% of its CPU
 * time was that listing (a CPU profile: 21.2 s of 28.5 s under the profiler). The fix lists them
 * once per library and keeps the positions in a Map; what dlsym returns is the same.
 *
 * Applied to the text of the package's CommonJS build as it is loaded (compiled under its own file
 * name, so that it finds its .wasm and .data files beside it). Another PGlite version, where the
 * text differs, is loaded as it is.
 */
export function loadPglite(): PgliteModule {
  const file = require.resolve('@electric-sql/pglite');
  const source = readFileSync(file, 'utf8');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!source.includes(SLOW_DLSYM)) return require('@electric-sql/pglite') as PgliteModule;
  const internals = Module as unknown as { _nodeModulePaths(dir: string): string[] };
  const m = new Module(file) as Module & { _compile(code: string, filename: string): void };
  m.filename = file;
  m.paths = internals._nodeModulePaths(dirname(file));
  m._compile(source.replace(SLOW_DLSYM, FAST_DLSYM), file);
  return m.exports as PgliteModule;
}
