import { hash as sha } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { HourlyPurge, purgeInChunks } from '../../core/database/retention';
import { TransactionRunner } from '../../core/database/transaction-runner';
import { AppException } from '../../core/http/app-exception';
import type { Principal } from '../auth/principal';
import { EventLogRepository } from './event-log.repository';

/**
 * Stable JSON (sorted keys, undefined members left out) so the same body always hashes the same.
 * Stored hashes depend on this exact text: the spec pins it. Built by concatenation (no arrays
 * per level): it runs on every write that carries an Idempotency-Key.
 */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + (canonical(v[i]) ?? '');
    return s + ']';
  }
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    let s = '{';
    let first = true;
    for (const k of keys) {
      if (o[k] === undefined) continue;
      s += (first ? '' : ',') + JSON.stringify(k) + ':' + canonical(o[k]);
      first = false;
    }
    return s + '}';
  }
  return JSON.stringify(v);
}

/**
 * Idempotency-Key handling for writes: the first request's response is stored in the
 * same transaction as the write; a retry with the same key and body gets it back, the
 * same key with another body is a 409 IDEMPOTENCY_CONFLICT.
 */
@Injectable()
export class EventIdempotencyService implements OnModuleInit, OnModuleDestroy {
  private readonly retention = new HourlyPurge('Idempotency-Key retention', new Logger('Events'), () => this.purgeExpired());

  constructor(
    private readonly log: EventLogRepository,
    private readonly tx: TransactionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.retention.start();
  }

  onModuleDestroy(): void {
    this.retention.stop();
  }

  /** Deletes keys older than IDEMPOTENCY_KEY_RETENTION_DAYS (a retry after that is a new request); returns how many went. */
  purgeExpired(days = this.config.IDEMPOTENCY_KEY_RETENTION_DAYS): Promise<number> {
    return purgeInChunks(
      'idempotency-purge',
      (work) => this.tx.run(work),
      (db, limit) => this.log.purgeKeys(db, days, limit),
    );
  }

  principalOf(p: Principal): string {
    return `${p.kind}:${p.id}`;
  }

  /** SHA-256 of the canonical JSON of the request (route and body). */
  hash(request: unknown): string {
    return sha('sha256', canonical(request), 'hex');
  }

  /** The stored claim for a key (hash and response), for a replay after a single-statement write. */
  stored(db: EntityManager, principal: string, key: string) {
    return this.log.findKey(db, principal, key);
  }

  /**
   * `finalize` runs only for a first execution, after the response is stored (the outbox
   * append goes there: a retry must not push the change twice).
   */
  async run<T>(tx: EntityManager, p: Principal, key: string | undefined, request: unknown, work: () => Promise<T>, finalize?: (result: T) => Promise<void>): Promise<T> {
    if (!key) {
      const result = await work();
      await finalize?.(result);
      return result;
    }
    const who = this.principalOf(p);
    const hash = this.hash(request);
    const prior = await this.log.claimKey(tx, who, key, hash);
    if (prior) {
      if (prior.hash !== hash) {
        throw new AppException('IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was already used with a different request', { header: 'idempotency-key' });
      }
      return prior.response as T;
    }
    const result = await work();
    await this.log.storeResponse(tx, who, key, 200, result);
    await finalize?.(result);
    return result;
  }
}

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Validate the header; a bad key is a 400 naming it. */
export function idempotencyKey(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new AppException('VALIDATION_FAILED', 'invalid header idempotency-key: 1-128 letters, digits or ._:-', [{ field: 'headers.idempotency-key', message: '1-128 letters, digits or ._:-' }]);
  }
  return key;
}
