import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { ADMIN } from './app';
import { freshDatabaseUrl } from './db';

/**
 * Real API processes for end-to-end tests: `node dist/api/apps/api/src/main.js`, as a
 * user starts it. Build first (`npm test` does; alone: `node scripts/build.mjs api`).
 *
 *   const s = await startServer({ env: { DATABASE_URL: url, REDIS_URL: 'redis://127.0.0.1:6379' } });
 *   await fetch(`${s.url}/api/health`); … await s.stop();
 *
 * Defaults: a fresh database, a free port on 127.0.0.1, DEMO/SIMULATOR off, the same
 * ADMIN, JWT_SECRET and PII_KEY as startTestApp() (so tokens work across processes).
 * Start processes that share a database one after another (each creates the admin at boot).
 */
export const REPO_ROOT = resolve(__dirname, '../..');
export const SERVER_ENTRY = resolve(REPO_ROOT, 'dist/api/apps/api/src/main.js');
export const TEST_SERVER_ENV = {
  HOST: '127.0.0.1',
  DEMO: 'off',
  SIMULATOR: 'off',
  LOG_LEVEL: 'warn',
  ADMIN_USERNAME: ADMIN.username,
  ADMIN_PASSWORD: ADMIN.password,
  JWT_SECRET: 'test-secret-test-secret-test-secret-1234',
  PII_KEY: 'a'.repeat(64),
  RATE_LIMIT_LOGIN_PER_MINUTE: '10000',
};

export interface StartServerOptions {
  /** Overrides of the environment (DATABASE_URL, REDIS_URL, PORT, DEMO, …); unset PORT picks a free one. */
  env?: Record<string, string>;
  /** How long to wait for /api/health to answer 200 (default 90 s). */
  healthTimeoutMs?: number;
}

export interface ServerProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  pid: number;
  databaseUrl: string;
  /** Everything the process printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago (the OS picks it; we release it for the server). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => ok(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** Wait until GET <url>/api/health answers 200, failing early if the process dies. */
export async function waitForHealth(url: string, child: ChildProcess | null, timeoutMs: number, output: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${output()}`);
    }
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server at ${url} not healthy after ${timeoutMs} ms:\n${output()}`);
    await sleep(100);
  }
}

export async function startServer(options: StartServerOptions = {}): Promise<ServerProcess> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} missing: run node scripts/build.mjs api first`);
  const databaseUrl = options.env?.DATABASE_URL ?? (await freshDatabaseUrl());
  // A free port can be taken between the probe and the server's listen: try a few.
  for (let attempt = 0; ; attempt++) {
    const port = options.env?.PORT ? Number(options.env.PORT) : await freePort();
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...TEST_SERVER_ENV,
      ...options.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
    };
    let log = '';
    const child = spawn(process.execPath, [SERVER_ENTRY], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const output = () => log;
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHealth(url, child, options.healthTimeoutMs ?? 90000, output);
    } catch (e) {
      child.kill('SIGKILL');
      await exited(child);
      if (!options.env?.PORT && attempt < 3 && /already in use/.test(log)) continue;
      throw e;
    }
    return {
      url,
      port,
      pid: child.pid!,
      databaseUrl,
      output,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
        await exited(child);
        clearTimeout(timer);
      },
    };
  }
}
