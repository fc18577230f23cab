import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';
import { SafeQueryLogger } from './safe-query-logger';

/**
 * One place that says how we talk to PostgreSQL. `synchronize` is never on:
 * the schema lives only in hand-reviewed migrations (apps/api/src/migrations).
 */
export function dataSourceOptions(url: string, poolSize: number): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    synchronize: false,
    migrationsRun: false,
    // Failed queries reach the error filter anyway; the logger never prints parameters (personal data).
    logging: ['error', 'warn'],
    logger: new SafeQueryLogger(),
    maxQueryExecutionTime: 2000,
    // The embedded database is single-session: a pool of one (see README, architecture).
    extra: { max: poolSize, connectionTimeoutMillis: 15000, application_name: 'grid-command' },
  };
}
