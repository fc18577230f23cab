import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BackgroundWorkers } from './background-work';
import { SessionGate } from './session-gate';
import { dataSourceOptions } from './data-source-options';
import { DATABASE_INFO, type DatabaseInfo } from './database.tokens';
import { MigrationRunner } from './migration-runner';
import { useNamedStatements } from './prepared-query';
import { TransactionRunner } from './transaction-runner';
import { pgPoolOf } from './sql';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(info: DatabaseInfo): DynamicModule {
    useNamedStatements(!info.singleSession);
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(info.url, info.poolSize),
          // Preflight already proved the database reachable; fail fast instead of 9 silent retries.
          retryAttempts: 0,
        }),
      ],
      providers: [
        { provide: DATABASE_INFO, useValue: info },
        {
          // Every connection the pool lends goes through the gate: interactive requests first (see SessionGate).
          provide: SessionGate,
          inject: [DataSource],
          useFactory: (ds: DataSource) => {
            const gate = new SessionGate(info.poolSize);
            const pool = pgPoolOf(ds);
            if (pool) gate.install(pool);
            gate.watchTransactions(ds);
            return gate;
          },
        },
        BackgroundWorkers,
        MigrationRunner,
        TransactionRunner,
      ],
      exports: [DATABASE_INFO, SessionGate, BackgroundWorkers, MigrationRunner, TransactionRunner],
    };
  }
}
