import { isIP } from 'node:net';
import { configSchema, type AppConfig } from './config.schema';
import { BootError } from '../boot/boot-error';

/** Parse and validate the environment. Throws a BootError naming the variable at fault. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings mean "unset" (docker-compose writes VAR= for optional values).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BootError(`configuration: ${issue.path.join('.') || 'environment'} ${issue.message}`);
  }
  const raw = parsed.data;
  const trustedProxies = raw.TRUST_PROXY.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // proxy-addr's names for address ranges, or an address, or an address/prefix.
  const proxyOk = (p: string) => ['loopback', 'linklocal', 'uniquelocal'].includes(p) || (isIP(p.split('/')[0]) !== 0 && /^[^/]+(\/\d{1,3})?$/.test(p));
  const badProxy = trustedProxies.find((p) => !proxyOk(p));
  if (badProxy) throw new BootError(`configuration: TRUST_PROXY "${badProxy}" is not an address, address/prefix, loopback, linklocal or uniquelocal`);
  const databaseMode = raw.DATABASE_URL ? 'server' : 'embedded';
  const demo = (raw.DEMO ?? (databaseMode === 'embedded' ? 'on' : 'off')) === 'on';
  return {
    ...raw,
    databaseMode,
    demo,
    simulator: (raw.SIMULATOR ?? (demo ? 'on' : 'off')) === 'on',
    corsOrigins: raw.CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    trustedProxies,
    // Only for the embedded demo with a generated PII key (the snapshot's personal data is encrypted with it).
    demoSnapshotDir: databaseMode === 'embedded' && demo && !raw.PII_KEY && raw.DEMO_SNAPSHOT_DIR !== 'off' ? raw.DEMO_SNAPSHOT_DIR : null,
  };
}
