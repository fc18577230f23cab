#!/usr/bin/env node
// Smoke run of the zero-setup mode: `npm start` with no DATABASE_URL on a fresh data
// directory; waits for /api/health to be green and / to serve the wall map, reports two events
// (the second after the pool has replaced its idle connection) and replays one by its
// Idempotency-Key, then restarts once to prove the data survives. Prints the time to ready.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const dataDir = mkdtempSync(join(tmpdir(), 'gc-smoke-'));
const port = 3000 + Math.floor(Math.random() * 2000) + 1000;
const ADMIN = { username: 'smoke-admin', password: 'smoke-admin-password' };
const created = [];

async function call(method, path, body, token, headers = {}) {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json().catch(() => null) };
}

/** What a user does first on a fresh install: sign in, report, retry a report; or, after a restart, find them again. */
async function use(label) {
  const login = await call('POST', '/api/auth/login', ADMIN);
  if (login.status !== 200) return `sign-in ${login.status}`;
  const token = login.body.accessToken;
  if (created.length) {
    for (const id of created) {
      const got = await call('GET', `/api/events/${id}`, undefined, token);
      if (got.status !== 200) return `event ${id} after ${label}: ${got.status}`;
    }
    return null;
  }
  const report = (key) => call('POST', '/api/events', { title: '冒烟测试', category: 'exposed_rubbish', lon: 118.79, lat: 32.05 }, token, { 'idempotency-key': key });
  // a statement that fails (a ticket number sent twice is a 409) must leave the connection usable
  const ticket = { title: '冒烟测试', category: 'exposed_rubbish', lon: 118.79, lat: 32.05, externalId: 'SMOKE-1' };
  const once = await call('POST', '/api/events', ticket, token);
  const twice = await call('POST', '/api/events', ticket, token);
  if (once.status !== 201 || twice.status !== 409) return `ticket sent twice: ${once.status}, then ${twice.status} (expected 201, 409)`;
  const first = await report('smoke-1');
  // past the pool's idle timeout (10 s): the next statement runs on a new connection to the same session
  await new Promise((r) => setTimeout(r, 11_000));
  const second = await report('smoke-2');
  const replay = await report('smoke-1');
  if (first.status !== 201 || second.status !== 201 || replay.status !== 201 || replay.body?.id !== first.body?.id) {
    return `intake: ${first.status} ${second.status} replay ${replay.status} (${JSON.stringify([first.body?.id, second.body?.id, replay.body?.id])})`;
  }
  created.push(first.body.id, second.body.id);
  return null;
}

async function run(label) {
  const t0 = Date.now();
  const env = { ...process.env, PORT: String(port), DATA_DIR: dataDir, ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, SIMULATOR: 'off' };
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
      // up: the database answers with its migrations applied (status may say `degraded` on a busy machine: requests waiting)
      if (health.database?.ok && health.migrations?.ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const ready = (Date.now() - t0) / 1000;
  const up = Boolean(health?.database?.ok && health?.migrations?.ok);
  const page = up ? await (await fetch(`http://127.0.0.1:${port}/`)).text() : '';
  const used = up ? await use(label).catch((e) => String(e)) : 'not up';
  process.kill(-child.pid, 'SIGTERM');
  await new Promise((r) => child.once('exit', r));
  // a normal start prints no ERROR line (issue #15: the live tailer used to, during the demo load)
  const errorLines = out.split('\n').filter((l) => /\bERROR\b/.test(l));
  if (!up || !page.includes('<div id="root">') || used || errorLines.length) {
    console.error(out.slice(-4000));
    console.error(`smoke (${label}): FAILED — health ${JSON.stringify(health)}, page ${page.length} bytes, ${used ?? 'events ok'}, ${errorLines.length} ERROR line(s)`);
    process.exit(1);
  }
  const steps =
    out
      .split('\n')
      .find((l) => l.trim().startsWith('steps'))
      ?.trim() ?? '';
  console.log(`smoke (${label}): ready in ${ready.toFixed(1)} s (${steps}), PostGIS ${health.postgis.version}, migrations ${health.migrations.applied}, events ${created.join(', ')} reported and found`);
}

try {
  await run('first start');
  await run('restart on the same data');
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
