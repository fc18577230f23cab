import { loadConfig } from './core/config/config';
import { BootError } from './core/boot/boot-error';
import { assertPortFree } from './core/boot/preflight';
import { createApp, type RunningApp } from './core/boot/create-app';

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
  console.log(`grid-command: ready in ${((Date.now() - started) / 1000).toFixed(1)} s at http://localhost:${port}/  (API docs: http://localhost:${port}/api/docs)`);
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
