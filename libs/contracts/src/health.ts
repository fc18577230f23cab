export interface HealthReport {
  status: 'ok' | 'degraded';
  database: { ok: boolean; mode: 'embedded' | 'server'; version?: string; error?: string };
  postgis: { ok: boolean; version?: string; mvt: boolean };
  migrations: { ok: boolean; applied: number; pending: string[] };
  uptimeSeconds: number;
}
