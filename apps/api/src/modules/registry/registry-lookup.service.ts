import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG } from '../../core/config/config.module';
import type { AppConfig } from '../../core/config/config.schema';
import { AppException } from '../../core/http/app-exception';
import { AuditService } from '../audit/audit.service';
import { can, type Principal } from '../auth/principal';

/** The field an exact-match lookup searches by. */
export type LookupField = 'idNumber' | 'phone';

const HOUR_MS = 3_600_000;

/**
 * Exact-match lookup of people by ID or phone number is a sensitive read (PIPL art. 28 and 51,
 * GB/T 35273 §7.2): a search by a full number confirms who the number belongs to, so it can undo a
 * mask or test guesses. It needs pii:lookup and a stated purpose, every lookup is audited (the
 * field searched and the records found, never the value), and each account has a budget of
 * PII_LOOKUPS_PER_HOUR over a rolling hour, counted from those audit rows (so it holds across
 * API processes and restarts).
 */
@Injectable()
export class RegistryLookupService {
  constructor(
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The field this query looks up by exactly (null: none); 403 without pii:lookup, 400 without a purpose. */
  wanted(p: Principal, q: { idNumber?: string; phone?: string; purpose?: string }): LookupField | null {
    const by: LookupField | null = q.idNumber ? 'idNumber' : q.phone ? 'phone' : null;
    if (by === null) return null;
    if (!can(p, 'pii:lookup')) {
      throw new AppException('FORBIDDEN', `${by}: your role does not allow finding people by ID or phone number (needs pii:lookup)`, { permission: 'pii:lookup' });
    }
    if (!q.purpose) throw new AppException('VALIDATION_FAILED', `purpose: state the purpose of a lookup by ${by}`, [{ field: 'query.purpose', message: `required with ${by}` }]);
    return by;
  }

  /** Within the account's budget? Call inside the reading transaction before the search: it holds the account's lookup lock until the end. 429 beyond it. */
  async admit(tx: EntityManager, p: Principal): Promise<void> {
    const limit = this.config.PII_LOOKUPS_PER_HOUR;
    if ((await this.audit.lookupsSince(tx, p, new Date(Date.now() - HOUR_MS))) >= limit) {
      throw new AppException('RATE_LIMITED', `at most ${limit} lookups by ID or phone number an hour per account; try later`, { limit, windowSeconds: 3600 });
    }
  }

  /** Audit one lookup (also one that found nothing: a miss is an answer too). */
  record(tx: EntityManager, p: Principal, by: LookupField, matched: number[], purpose: string): Promise<void> {
    return this.audit.piiLookup(tx, p, 'person', by, matched, purpose);
  }
}
