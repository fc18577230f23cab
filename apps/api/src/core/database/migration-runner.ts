import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource, MigrationExecutor } from 'typeorm';
import { bootPhase, bootStep } from '../boot/boot-steps';
import { DATABASE_INFO, type DatabaseInfo } from './database.tokens';

/** Cluster-wide lock id so that two API processes booting together do not both migrate. */
const MIGRATION_LOCK = 732104;

@Injectable()
export class MigrationRunner implements OnModuleInit {
  private readonly logger = new Logger('Migrations');
  constructor(
    private readonly dataSource: DataSource,
    @Inject(DATABASE_INFO) private readonly info: DatabaseInfo,
  ) {}

  async onModuleInit(): Promise<void> {
    bootPhase('applying the migrations', this.info.mode === 'server' ? 'DATABASE_URL (the role must be allowed to create tables there)' : 'DATA_DIR');
    const t0 = Date.now();
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      // Same connection as the lock: the embedded database has a pool of one.
      const executor = new MigrationExecutor(this.dataSource, runner);
      executor.transaction = 'each';
      const ran = await executor.executePendingMigrations();
      if (ran.length) this.logger.debug(`applied ${ran.length} migration(s): ${ran.map((m) => m.name).join(', ')}`);
      bootStep(ran.length ? `${ran.length} migration(s) applied` : 'schema up to date', Date.now() - t0);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  }

  async status(): Promise<{ applied: number; pending: string[] }> {
    const rows: { name: string }[] = await this.dataSource.query('SELECT name FROM schema_migration');
    const applied = new Set(rows.map((r) => r.name));
    const pending = this.dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((n) => !applied.has(n));
    return { applied: applied.size, pending };
  }
}
