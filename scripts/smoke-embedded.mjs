#!/usr/bin/env node
// Smoke run of the zero-setup mode: `npm start` with no DATABASE_URL on a fresh data
// directory; waits for /api/health to be green and / to serve the wall map, then
// restarts once to prove the data survives. Prints the time to ready.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const dataDir = mkdtempSync(join(tmpdir(), 'gc-smoke-'));
const port = 3000 + Math.floor(Math.random() * 2000) + 1000;

async function run(label) {
  const t0 = Date.now();
  const env = { ...process.env, PORT: String(port), DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  const child = spawn('npm', ['start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const deadline = Date.now() + 180_000;
  let health;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/health`);
      health = await r.json();
      if (health.status === 'ok') break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const ready = (Date.now() - t0) / 1000;
  const page = health?.status === 'ok' ? await (await fetch(`http://127.0.0.1:${port}/`)).text() : '';
  process.kill(-child.pid, 'SIGTERM');
  await new Promise((r) => child.once('exit', r));
  if (health?.status !== 'ok' || !page.includes('<div id="root">')) {
    console.error(out.slice(-4000));
    console.error(`smoke (${label}): FAILED — health ${JSON.stringify(health)}, page ${page.length} bytes`);
    process.exit(1);
  }
  console.log(`smoke (${label}): ready in ${ready.toFixed(1)} s, PostGIS ${health.postgis.version}, migrations ${health.migrations.applied}`);
}

try {
  await run('first start');
  await run('restart on the same data');
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
