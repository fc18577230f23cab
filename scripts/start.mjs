#!/usr/bin/env node
// `npm start`: build what is stale, then run the API, which also serves the wall map.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
if (b.status !== 0) process.exit(b.status ?? 1);
// The API's V8 flags, in one file that the benchmarks read too (the Dockerfile repeats them):
// a young generation of 64 MB per semi-space (V8's default is 16): a bulk import keeps a few chunks
// of rows alive across database round trips, and with the default they were all promoted and
// collected again by full GCs (~2 s of the API's ~13 s of CPU in a 1M-row import; bench/RESULTS.md).
const flags = JSON.parse(readFileSync(join(root, 'scripts/api-node-flags.json'), 'utf8'));
const child = spawn(process.execPath, ['--enable-source-maps', ...flags, join(root, 'dist/api/apps/api/src/main.js')], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
