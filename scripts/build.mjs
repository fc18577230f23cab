#!/usr/bin/env node
// Builds the API (SWC: TypeScript with decorator metadata, path aliases rewritten)
// and the wall map (Vite). `node scripts/build.mjs [api|wallmap] [--if-stale]`.
import { readdirSync, statSync, mkdirSync, writeFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { transformFile } from '@swc/core';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const ifStale = args.includes('--if-stale');
const targets = args.filter((a) => !a.startsWith('--'));
const want = (t) => targets.length === 0 || targets.includes(t);

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) walk(p, out);
    else out.push({ path: p, mtime: s.mtimeMs });
  }
  return out;
}
const newest = (dirs) => Math.max(0, ...dirs.filter(existsSync).flatMap((d) => walk(d).map((f) => f.mtime)));
const stampOf = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

async function buildApi() {
  const srcDirs = ['apps/api/src', 'libs/contracts/src', 'libs/geo/src'].map((d) => join(root, d));
  const stamp = join(root, 'dist/api/.built');
  const files = srcDirs.flatMap((d) => walk(d)).filter((f) => /\.ts$/.test(f.path) && !/\.(spec|int-spec)\.ts$/.test(f.path));
  // The stamp lists the sources it was built from: a deleted or renamed file (a migration
  // renumbered, say) makes the build stale even though no remaining file is newer.
  const list = files
    .map((f) => relative(root, f.path))
    .sort()
    .join('\n');
  const builtList = existsSync(stamp) ? readFileSync(stamp, 'utf8').split('\n').slice(1).join('\n') : null;
  if (ifStale && builtList === list && stampOf(stamp) > Math.max(0, ...files.map((f) => f.mtime))) return;
  const t0 = Date.now();
  const paths = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions.paths;
  const written = new Set();
  for (const f of files) {
    const out = join(root, 'dist/api', relative(root, f.path)).replace(/\.ts$/, '.js');
    const { code, map } = await transformFile(f.path, {
      sourceMaps: true,
      module: { type: 'commonjs' },
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        baseUrl: root,
        paths,
        keepClassNames: true,
      },
    });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code + `\n//# sourceMappingURL=${out.split('/').pop()}.map`);
    writeFileSync(out + '.map', map);
    written.add(out).add(out + '.map');
  }
  // Output of sources that no longer exist goes: the migration runner and Nest load what is in dist.
  let pruned = 0;
  for (const dir of ['apps', 'libs'].map((d) => join(root, 'dist/api', d)).filter(existsSync)) {
    for (const f of walk(dir)) {
      if (/\.js(\.map)?$/.test(f.path) && !written.has(f.path)) {
        rmSync(f.path);
        pruned++;
      }
    }
  }
  writeFileSync(stamp, new Date().toISOString() + '\n' + list);
  console.log(`build: api (${files.length} files${pruned ? `, ${pruned} stale output file(s) removed` : ''}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function buildWallmap() {
  const srcDirs = ['apps/wallmap/src', 'apps/wallmap/public', 'apps/wallmap/index.html', 'libs/contracts/src', 'libs/geo/src'].map((d) => join(root, d));
  const stamp = join(root, 'dist/wallmap/index.html');
  const newestSrc = Math.max(newest(srcDirs.filter((d) => !d.endsWith('.html'))), stampOf(join(root, 'apps/wallmap/index.html')));
  if (ifStale && stampOf(stamp) > newestSrc) return;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: join(root, 'apps/wallmap'),
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log(`build: wallmap in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (want('api')) await buildApi();
if (want('wallmap')) buildWallmap();
