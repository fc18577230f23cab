import { loadConfig } from './core/config/config';
import { BootError } from './core/boot/boot-error';
import { assertPortFree } from './core/boot/preflight';
import { createApp, type RunningApp } from './core/boot/create-app';
import { bootReport } from './core/boot/boot-steps';
import type { AppConfig } from './core/config/config.schema';
import type { DatabaseInfo } from './core/database/database.tokens';

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The few lines a person reads when the server is up: where it runs, what it runs, how long each step took, the one-time password. */
function printReady(config: AppConfig, db: DatabaseInfo, port: number, ms: number): void {
  const r = bootReport();
  const where = db.mode === 'embedded' ? `embedded PostgreSQL ${db.serverVersion.split(' ')[0]} + PostGIS ${db.postgisVersion} in ${config.DATA_DIR}/` : `PostgreSQL ${db.serverVersion.split(' ')[0]} + PostGIS ${db.postgisVersion} (DATABASE_URL)`;
  const lines = [
    `grid-command: ready in ${secs(ms)} at http://localhost:${port}/  (API docs: http://localhost:${port}/api/docs)`,
    `  database  ${where}`,
    config.demo
      ? `  demo      Nanjing demo city${config.simulator ? `, live simulator ${config.SIMULATOR_RATE} events/s` : ''}; demo accounts are listed on the sign-in screen (e.g. demo_operator / demo-operator-2025; all in README.md, "Demo")`
      : '  demo      off',
    `  steps     ${r.steps.map((s) => `${s.name} ${secs(s.ms)}`).join(' · ')}`,
    ...r.notices.map((n) => `  ${n}`),
  ];
  if (r.oneTimeAdmin) {
    const body = [`first administrator: ${r.oneTimeAdmin.username}   password: ${r.oneTimeAdmin.password}`, 'shown once: note it now (or set ADMIN_USERNAME / ADMIN_PASSWORD)'];
    const w = Math.max(...body.map((b) => b.length)) + 2;
    lines.push(`  ┌${'─'.repeat(w)}┐`, ...body.map((b) => `  │ ${b.padEnd(w - 1)}│`), `  └${'─'.repeat(w)}┘`);
  }
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  await assertPortFree(config.HOST, config.PORT);
  console.log(
    `grid-command: starting (${config.databaseMode === 'embedded' ? `embedded PostGIS in ${config.DATA_DIR}/` : 'PostGIS server from DATABASE_URL'}, demo ${config.demo ? 'on' : 'off'}, simulator ${config.simulator ? 'on' : 'off'})`,
  );
  let running: RunningApp | undefined;
  try {
    running = await createApp(config);
    await running.app.listen({ port: config.PORT, host: config.HOST });
  } catch (e) {
    await running?.close().catch(() => undefined);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new BootError(`port ${config.PORT} is already in use: stop the other process or set PORT`);
    throw e;
  }
  const address = running.app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  printReady(config, running.db, port, Date.now() - started);
  const stop = async () => {
    await running?.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  if (e instanceof BootError) {
    console.error(`grid-command: cannot start: ${e.message}`);
  } else {
    const err = e as Error;
    console.error(`grid-command: cannot start: ${err?.message ?? String(e)}`);
  }
  process.exit(1);
});
