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
    DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
    DEMO: onOff.optional(),
    SIMULATOR: onOff.optional(),
    SIMULATOR_RATE: z.coerce.number().min(0).max(2000).default(0.5),
    ADMIN_USERNAME: z.string().min(3).max(64).optional(),
    ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').max(256).optional(),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    PII_KEY: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)')
      .optional(),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86400).default(900),
    REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(300).max(90 * 86400).default(7 * 86400),
    CORS_ORIGINS: z.string().default(''),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(512 * 1024 * 1024).default(32 * 1024 * 1024),
    // Registry imports (POST /api/{places,people,objects,organizations}/import): the largest uploaded file.
    IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(2 * 1024 * 1024 * 1024).default(256 * 1024 * 1024),
    WALLMAP_DIR: z.string().default('dist/wallmap'),
    LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug']).default('log'),
    RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(20),
    RATE_LIMIT_INTAKE_PER_MINUTE: z.coerce.number().int().min(1).default(60000),
    // Events: escalation sweep period in seconds (0 = off); duplicate suspicion radius (metres) and window (hours).
    ESCALATION_SWEEP_SECONDS: z.coerce.number().int().min(0).max(86400).default(30),
    DUPLICATE_RADIUS_M: z.coerce.number().min(0).max(5000).default(50),
    DUPLICATE_WINDOW_HOURS: z.coerce.number().min(0).max(24 * 365).default(72),
    // Live intake group commit: batches in the database at once, and the most events per batch.
    INTAKE_BATCH_SLOTS: z.coerce.number().int().min(1).max(64).default(1),
    INTAKE_BATCH_MAX: z.coerce.number().int().min(1).max(1000).default(64),
    // Field: grid workers' positions are personal data, deleted after this many days (issue 20).
    FIELD_POSITION_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
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
}
