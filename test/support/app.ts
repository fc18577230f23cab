import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@api/core/config/config';
import { createApp, type RunningApp } from '@api/core/boot/create-app';
import { embeddedTestDatabase, freshDatabaseUrl } from './db';

export interface TestApp {
  running: RunningApp;
  app: NestFastifyApplication;
  url: string;
  /** Sign in and return an Authorization header. */
  login(username: string, password: string): Promise<{ authorization: string }>;
  admin(): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

export const ADMIN = { username: 'root-admin', password: 'test-admin-password-1' };

/** The whole application in-process on a fresh database; requests go through `app.inject` (real Fastify, real SQL). */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const url = await freshDatabaseUrl();
  const config = loadConfig({
    DATABASE_URL: url,
    PORT: '0',
    LOG_LEVEL: 'error',
    DEMO: 'off',
    SIMULATOR: 'off',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    JWT_SECRET: 'test-secret-test-secret-test-secret-1234',
    PII_KEY: 'a'.repeat(64),
    RATE_LIMIT_LOGIN_PER_MINUTE: '10000',
    ESCALATION_SWEEP_SECONDS: '0', // tests call the sweep directly
    SUPERVISION_FACTS_SECONDS: '0', // supervision tests call the facts worker and the warnings evaluation directly
    WARNINGS_SECONDS: '0',
    ...(embeddedTestDatabase() ? { DB_POOL_SIZE: '1' } : {}),
    ...env,
  });
  const running = await createApp(config);
  const app = running.app;
  await app.getHttpAdapter().getInstance().ready();
  const login = async (username: string, password: string) => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
    return { authorization: `Bearer ${res.json().accessToken}` };
  };
  let adminHeader: { authorization: string } | undefined;
  return {
    running,
    app,
    url,
    login,
    admin: async () => (adminHeader ??= await login(ADMIN.username, ADMIN.password)),
    close: () => running.close(),
  };
}
