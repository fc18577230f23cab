import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * TypeORM's own loggers print a failed query's parameters, which may hold personal
 * data (names, ID numbers before encryption, phones). This one logs the statement's
 * first line and the error only, never parameters.
 */
export class SafeQueryLogger implements TypeOrmLogger {
  private readonly logger = new Logger('SQL');

  logQuery(): void {}
  /** Debug level, whole statement (never parameters): the demo's bulk statements are slow by design; /api/health reports waits. */
  logQuerySlow(time: number, query: string): void {
    this.logger.debug(`slow query (${time} ms): ${query.replace(/\s+/g, ' ').trim()}`);
  }
  logQueryError(error: string | Error, query: string): void {
    const message = typeof error === 'string' ? error : error.message;
    this.logger.debug(`query failed: ${message} — ${firstLine(query)}`);
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.logger.log(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
  }
}

function firstLine(query: string): string {
  return query.trim().split('\n')[0].slice(0, 160);
}
