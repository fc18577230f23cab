#!/usr/bin/env node
// Runs the benchmarks: each bench/*.bench.ts is transpiled with SWC (as scripts/build.mjs does
// for the API) into dist/bench/ and run with node, one at a time (they measure CPU).
// `node scripts/bench.mjs [name-filter]`, e.g. `node scripts/bench.mjs live-fanout`.
import { mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { transformFile } from '@swc/core';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const filter = process.argv[2] ?? '';
const benchDir = join(root, 'bench');
const outDir = join(root, 'dist/bench');
const files = existsSync(benchDir)
  ? readdirSync(benchDir)
      .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
      .sort()
  : [];
if (files.length === 0) {
  console.error(`bench: no bench/*.bench.ts matching "${filter}"`);
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
// Every bench/*.ts is transpiled (shared helpers such as support.ts too); only *.bench.ts run.
for (const f of readdirSync(benchDir).filter((x) => x.endsWith('.ts') && !x.endsWith('.d.ts'))) {
  const { code } = await transformFile(join(benchDir, f), {
    module: { type: 'commonjs' },
    jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, keepClassNames: true },
  });
  writeFileSync(join(outDir, f.replace(/\.ts$/, '.js')), code);
}
let failed = 0;
for (const f of files) {
  const out = join(outDir, f.replace(/\.ts$/, '.js'));
  console.log(`\n=== ${f} ===`);
  // Run from the repo root so node_modules resolve as for the API.
  const r = spawnSync(process.execPath, [out], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
