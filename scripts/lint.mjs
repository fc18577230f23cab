#!/usr/bin/env node
// ESLint with Nx module boundaries. The boundaries rule reads Nx's project graph,
// which plain eslint does not build: compute it first (no daemon, no cloud).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true' };
const graph = spawnSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], { cwd: root, env, encoding: 'utf8' });
if (graph.status !== 0) {
  process.stderr.write(graph.stderr || graph.stdout);
  process.exit(graph.status ?? 1);
}
const targets = process.argv.slice(2).length ? process.argv.slice(2) : ['apps', 'libs', 'test', 'bench'].filter((d) => existsSync(join(root, d)));
const r = spawnSync(process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), '--max-warnings=0', '--no-error-on-unmatched-pattern', ...targets], { cwd: root, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
