import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';

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
    logging: ['error'],
    // The embedded database is single-session: a pool of one (see README, architecture).
    extra: { max: poolSize, connectionTimeoutMillis: 15000, application_name: 'grid-command' },
  };
}
