import { z } from 'zod';

const onOff = z.enum(['on', 'off']);

/**
 * The whole configuration, read from the environment once at boot and
 * validated here. Nothing else in the code reads `process.env` (STYLE.md §10).
 */
export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATA_DIR: z.string().min(1).default('.data'),
    // Embedded demo: where the generated demo database is kept for later fresh starts ('off': never).
    DEMO_SNAPSHOT_DIR: z.string().min(1).default('node_modules/.cache/grid-command'),
    DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// URL')
      .optional(),
    DEMO: onOff.optional(),
    SIMULATOR: onOff.optional(),
    SIMULATOR_RATE: z.coerce.number().min(0).max(2000).default(0.5),
    // Mean minutes between the simulator's incident clusters (one category reported again and again at one spot: a burst pipe); 0 = none.
    SIMULATOR_CLUSTER_MINUTES: z.coerce.number().min(0).max(1440).default(20),
    ADMIN_USERNAME: z.string().min(3).max(64).optional(),
    ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').max(256).optional(),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    PII_KEY: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)')
      .optional(),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86400).default(900),
    REFRESH_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(300)
      .max(90 * 86400)
      .default(7 * 86400),
    CORS_ORIGINS: z.string().default(''),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(512 * 1024 * 1024)
      .default(32 * 1024 * 1024),
    // Registry imports (POST /api/{places,people,objects,organizations}/import): the largest uploaded file.
    IMPORT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(2 * 1024 * 1024 * 1024)
      .default(256 * 1024 * 1024),
    // Input limits (README "Limits"): how deep a JSON body may nest, and how complex a geometry may be, by kind.
    JSON_MAX_DEPTH: z.coerce.number().int().min(4).max(1000).default(32),
    AREA_MAX_VERTICES: z.coerce.number().int().min(4).max(10_000_000).default(200_000),
    AREA_MAX_RINGS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    AREA_IMPORT_MAX_FEATURES: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
    // An area import with more vertices than this in total runs as a background job (202 + progress).
    AREA_IMPORT_JOB_VERTICES: z.coerce.number().int().min(0).max(100_000_000).default(50_000),
    FOOTPRINT_MAX_VERTICES: z.coerce.number().int().min(4).max(10_000_000).default(5_000),
    FOOTPRINT_MAX_RINGS: z.coerce.number().int().min(1).max(1_000_000).default(100),
    // Proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDRs; unset = none, the socket address counts).
    TRUST_PROXY: z.string().default(''),
    WALLMAP_DIR: z.string().default('dist/wallmap'),
    LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug']).default('log'),
    RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(20),
    // Sign-in lockout per (username, client address): after N failures, locked for BASE seconds, doubling per lock that day up to MAX.
    LOGIN_LOCK_AFTER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
    LOGIN_LOCK_BASE_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
    LOGIN_LOCK_MAX_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 86400)
      .default(3600),
    RATE_LIMIT_INTAKE_PER_MINUTE: z.coerce.number().int().min(1).default(60000),
    // Reads that need no sign-in (Open311 discovery and public requests), per client address.
    RATE_LIMIT_PUBLIC_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    // Exact-match lookups of people by ID or phone number, per account per rolling hour (issue 16).
    PII_LOOKUPS_PER_HOUR: z.coerce.number().int().min(1).default(30),
    // Events: escalation sweep period in seconds (0 = off); duplicate suspicion radius (metres) and window (hours).
    ESCALATION_SWEEP_SECONDS: z.coerce.number().int().min(0).max(86400).default(30),
    DUPLICATE_RADIUS_M: z.coerce.number().min(0).max(5000).default(50),
    DUPLICATE_WINDOW_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 365)
      .default(72),
    // Supervision (issue 19): facts worker period in seconds (0 = off) and its time budget per pass in ms; warnings evaluation period (0 = off).
    SUPERVISION_FACTS_SECONDS: z.coerce.number().min(0).max(3600).default(2),
    SUPERVISION_FACTS_BUDGET_MS: z.coerce.number().int().min(10).max(60000).default(150),
    WARNINGS_SECONDS: z.coerce.number().min(0).max(86400).default(60),
    // Live intake group commit: batches in the database at once, and the most events per batch.
    INTAKE_BATCH_SLOTS: z.coerce.number().int().min(1).max(64).default(1),
    INTAKE_BATCH_MAX: z.coerce.number().int().min(1).max(1000).default(64),
    // Field: grid workers' positions are personal data, deleted after this many days (issue 20).
    FIELD_POSITION_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    // Idempotency-Key answers are replayed for this many days, then deleted (a phone offline for weeks still resends safely).
    IDEMPOTENCY_KEY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  })
  .refine((c) => !(c.ADMIN_USERNAME && !c.ADMIN_PASSWORD) && !(!c.ADMIN_USERNAME && c.ADMIN_PASSWORD), {
    message: 'ADMIN_USERNAME and ADMIN_PASSWORD must be set together',
    path: ['ADMIN_PASSWORD'],
  });

export type RawConfig = z.infer<typeof configSchema>;

export interface AppConfig extends RawConfig {
  databaseMode: 'embedded' | 'server';
  demo: boolean;
  simulator: boolean;
  corsOrigins: string[];
  /** TRUST_PROXY split into addresses/CIDRs; empty = trust no proxy. */
  trustedProxies: string[];
  /** where the embedded demo snapshot is kept and looked for; null: not used (see demo-snapshot.ts) */
  demoSnapshotDir: string | null;
}
