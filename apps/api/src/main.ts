import { performance } from 'node:perf_hooks';
import { loadConfig } from './core/config/config';
import { BootError } from './core/boot/boot-error';
import { assertPortFree, openDatabase } from './core/boot/preflight';
import { bootPhase, bootReport, bootStep, currentBootPhase } from './core/boot/boot-steps';
import { threadCpuMs } from './core/boot/thread-cpu';
import type { RunningApp } from './core/boot/create-app';
import type { AppConfig } from './core/config/config.schema';
import type { DatabaseInfo } from './core/database/database.tokens';

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The few lines a person reads when the server is up: where it runs, what it runs, how long each step took, the one-time password. */
function printReady(config: AppConfig, db: DatabaseInfo, port: number, ms: number): void {
  const r = bootReport();
  const where = db.mode === 'embedded' ? `embedded PostgreSQL ${db.serverVersion.split(' ')[0]} + PostGIS ${db.postgisVersion} in ${config.DATA_DIR}/` : `PostgreSQL ${db.serverVersion.split(' ')[0]} + PostGIS ${db.postgisVersion} (DATABASE_URL)`;
  const cpu = process.cpuUsage();
  const lines = [
    `grid-command: ready in ${secs(ms)} at http://localhost:${port}/  (API docs: http://localhost:${port}/api/docs)`,
    `  database  ${where}`,
    config.demo
      ? `  demo      Nanjing demo city${config.simulator ? `, live simulator ${config.SIMULATOR_RATE} events/s` : ''}; demo accounts are listed on the sign-in screen (e.g. demo_operator / demo-operator-2025; all in README.md, "Demo")`
      : '  demo      off',
    `  steps     ${r.steps.map((s) => `${s.name} ${secs(s.ms)}`).join(' · ')}`,
    // CPU time: on a busy machine the honest figure beside the wall time (the wall time is the longest thread's share of the cores)
    `  cpu       ${secs((cpu.user + cpu.system) / 1000)} in all since the process started: ${threadCpu()}`,
    ...r.notices.map((n) => `  ${n}`),
  ];
  if (r.oneTimeAdmin) {
    const body = [`first administrator: ${r.oneTimeAdmin.username}   password: ${r.oneTimeAdmin.password}`, 'shown once: note it now (or set ADMIN_USERNAME / ADMIN_PASSWORD)'];
    const w = Math.max(...body.map((b) => b.length)) + 2;
    lines.push(`  ┌${'─'.repeat(w)}┐`, ...body.map((b) => `  │ ${b.padEnd(w - 1)}│`), `  └${'─'.repeat(w)}┘`);
  }
  console.log(lines.join('\n'));
}

function threadCpu(): string {
  const t = threadCpuMs();
  if (!t) return 'per thread: not measured here';
  return `this thread ${secs(t.main)}${t.database === null ? '' : `, database thread ${secs(t.database)}`}`;
}

async function main(): Promise<void> {
  const config = loadConfig();
  bootPhase(`checking that port ${config.PORT} is free`, 'PORT');
  await assertPortFree(config.HOST, config.PORT);
  console.log(
    `grid-command: starting (${config.databaseMode === 'embedded' ? `embedded PostGIS in ${config.DATA_DIR}/` : 'PostGIS server from DATABASE_URL'}, demo ${config.demo ? 'on' : 'off'}, simulator ${config.simulator ? 'on' : 'off'})`,
  );
  // The embedded database opens in its own thread while this one loads the application's code.
  const opening = openDatabase(config);
  opening.catch(() => undefined); // awaited (and reported) by createApp
  const t = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createApp } = require('./core/boot/create-app') as typeof import('./core/boot/create-app');
  bootStep('application code loaded', performance.now() - t);
  let running: RunningApp | undefined;
  try {
    running = await createApp(config, opening);
    bootPhase(`listening on ${config.HOST}:${config.PORT}`, 'HOST / PORT');
    await running.app.listen({ port: config.PORT, host: config.HOST });
  } catch (e) {
    await running?.close().catch(() => undefined);
    if (!running) await (await opening.catch(() => null))?.embedded?.stop().catch(() => undefined);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new BootError(`port ${config.PORT} is already in use: stop the other process or set PORT`);
    throw e;
  }
  const address = running.app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  // from the start of the process (loading Node and the code included), not from the start of main()
  printReady(config, running.db, port, performance.now());
  const stop = async () => {
    await running?.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  // One line that says what failed, during which step and which setting governs it; exit code 1.
  if (e instanceof BootError) {
    console.error(`grid-command: cannot start: ${e.message}`);
  } else {
    const { name, setting } = currentBootPhase();
    const err = e as Error;
    const message = (err?.message ?? String(e)).split('\n')[0];
    console.error(`grid-command: cannot start: ${name} failed: ${message}${setting ? ` (check ${setting})` : ''}`);
  }
  process.exit(1);
});
