import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HealthReport } from '@gc/contracts';
import { freePort, REPO_ROOT, SERVER_ENTRY, waitForHealth } from './support/server-process';

/**
 * Issue #15, done-when: the built app on the EMBEDDED database (one session behind a pool of one),
 * the demo city and the simulator at 40x its default rate with an escalation sweep every 5 s, and a
 * wall client reading for three minutes. Background work must never make a request wait behind a
 * batch over its budget. COUNTED, not timed (the session gate counts per connection hold):
 *   - no interactive request waited while a background hold ran more statements than its budget;
 *   - no background job got the connection while an interactive request was waiting;
 *   - every read answered 200;
 * and, so that the counts mean something, background work ran and requests did wait behind
 * background holds (within budget) during the run. No rates or times are asserted (a loaded
 * machine makes everything slower, not wrong); the holds over the time budget are printed.
 */
const READ_MINUTES = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let child: ChildProcess;
let url: string;
let log = '';
const dataDir = mkdtempSync(join(tmpdir(), 'gc-embedded-bg-'));

beforeAll(async () => {
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    DEMO: 'on',
    SIMULATOR: 'on',
    SIMULATOR_RATE: '20',
    ESCALATION_SWEEP_SECONDS: '5',
    LOG_LEVEL: 'warn',
    ADMIN_USERNAME: 'bg-admin',
    ADMIN_PASSWORD: 'bg-admin-password',
  };
  delete env.DATABASE_URL; // the embedded database, whatever the suite runs on
  child = spawn(process.execPath, [SERVER_ENTRY], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, 600_000, () => log);
  // ready: the demo city is loaded and the simulator runs
  for (;;) {
    const h = (await (await fetch(`${url}/api/health`)).json()) as HealthReport;
    if (h.background.some((w) => w.name === 'simulator' && w.detail?.running === 'yes')) break;
    await sleep(500);
  }
}, 720_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(t);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test(
  'with the simulator at a high rate, interactive reads never wait behind a background batch over its budget',
  async () => {
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'demo_operator', password: 'demo-operator-2025' }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const get = async (path: string) => {
      const res = await fetch(url + path, { headers: { authorization: `Bearer ${accessToken}` } });
      await res.arrayBuffer();
      return res.status;
    };
    const before = (await (await fetch(`${url}/api/health`)).json()) as HealthReport;
    const statuses = new Map<string, number>();
    const count = (path: string, status: number) => statuses.set(`${path.split('?')[0]} ${status}`, (statuses.get(`${path.split('?')[0]} ${status}`) ?? 0) + 1);
    const end = Date.now() + READ_MINUTES * 60_000;
    const since = new Date(Date.now() - 86_400_000).toISOString();
    const reader = async (paths: string[]) => {
      for (let k = 0; Date.now() < end; k++) {
        const path = paths[k % paths.length];
        count(path, await get(path));
        await sleep(100);
      }
    };
    // two readers, as a wall and an operator's console would ask
    await Promise.all([
      reader([`/api/events/on-time?since=${encodeURIComponent(since)}`, '/api/changes?since=0&limit=50', '/api/areas/tiles.json']),
      reader(['/api/events?state=reported,dispatched,in_progress&limit=100', '/api/areas/export?level=district', '/api/registry/counts']),
    ]);
    const after = (await (await fetch(`${url}/api/health`)).json()) as HealthReport;
    const c = after.pool.counters;
    const sim = after.background.find((w) => w.name === 'simulator')!.detail!;

    // every read answered
    const failed = [...statuses].filter(([k]) => !k.endsWith(' 200'));
    expect(failed).toEqual([]);
    // background work ran meanwhile (how much depends on the machine: the simulator and the sweep
    // yield to requests, so on a loaded machine they do less; only that they ran is asserted, no rate)
    const was = before.background.find((w) => w.name === 'simulator')!.detail!;
    expect(Number(sim.created) + Number(sim.transitioned)).toBeGreaterThan(Number(was.created) + Number(was.transitioned));
    expect(after.pool.jobs.simulator.holds).toBeGreaterThan(before.pool.jobs.simulator?.holds ?? 0);
    expect(Number(after.background.find((w) => w.name === 'escalation')!.detail!.sweeps)).toBeGreaterThan(0);
    // what the run saw, for the log (the time budget is reported, not asserted: a busy machine stretches any batch)
    const jobs = Object.entries(after.pool.jobs).map(([k, j]) => `${k}: ${j.holds} holds, longest ${j.maxMs} ms / ${j.maxStatements} statements, ${j.overTimeBudget} over the time budget`);
    console.log(`embedded background run: ${JSON.stringify(c)}\n  ${jobs.join('\n  ')}\n  reads: ${JSON.stringify(Object.fromEntries(statuses))}`);
    // there was contention: requests did wait behind background holds…
    expect(c.interactiveBehindBackground).toBeGreaterThan(0);
    // …but never behind one over its budget, and background never went first
    expect(c.backgroundOverStatementBudget).toBe(0);
    expect(c.interactiveBehindOverBudget).toBe(0);
    expect(c.backgroundBeforeInteractive).toBe(0);
    expect(c.interactiveTimedOut).toBe(0);
    // no work asked for a second connection inside a transaction (on a pool of one it waited for itself)
    expect(c.nestedInTransaction).toBe(0);
  },
  (READ_MINUTES + 3) * 60_000,
);
