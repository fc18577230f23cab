import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';
import { AuditRepository, type AuditQuery } from './audit.repository';

/** Scrub values that must never reach the audit log in clear (password hashes, key hashes). */
function scrub(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(scrub);
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => (/password|token|key_hash|keyHash|secret/i.test(k) ? [k, '[redacted]'] : [k, scrub(v)])));
}

/**
 * The audit action reporting a person registered with an ID number that a record outside the
 * registering caller's jurisdiction holds too: for someone who sees both (audit:read) to merge.
 */
export const DUPLICATE_ID_ACTION = 'duplicate_id_number';

/** The audit action of an exact-match lookup by ID or phone number (its rows are also the per-account budget). */
export const PII_LOOKUP_ACTION = 'lookup_pii';

@Injectable()
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  /** Record a write inside the writer's transaction: no write without its audit row. */
  async write(
    tx: EntityManager,
    actor: Principal | null,
    action: string,
    entity: string,
    entityId: string | number | null,
    before: unknown,
    after: unknown,
    extra: { requestId?: string; areaPath?: string | null } = {},
  ): Promise<void> {
    await this.repo.insert(tx, {
      actorKind: actor?.kind ?? 'system',
      actorId: actor?.id ?? null,
      actorName: actor?.name ?? 'system',
      action,
      entity,
      entityId: entityId === null ? null : String(entityId),
      before: scrub(before),
      after: scrub(after),
      requestId: extra.requestId,
      areaPath: extra.areaPath,
    });
  }

  /**
   * Record an exact-match lookup of personal data (by ID or phone number) with its stated
   * purpose: which field was searched and which records matched, never the value searched for.
   */
  async piiLookup(tx: EntityManager, actor: Principal, entity: string, by: string, matched: number[], purpose: string, requestId?: string): Promise<void> {
    await this.repo.insert(tx, {
      actorKind: actor.kind,
      actorId: actor.id,
      actorName: actor.name,
      action: PII_LOOKUP_ACTION,
      entity,
      entityId: matched.length === 1 ? String(matched[0]) : null,
      after: { by, matched },
      purpose,
      requestId,
    });
  }

  /** How many exact-match lookups this actor made since `since`, holding the actor's lookup lock until the transaction ends. */
  lookupsSince(tx: EntityManager, actor: Principal, since: Date): Promise<number> {
    return this.repo.lockAndCountSince(tx, { kind: actor.kind, id: actor.id }, PII_LOOKUP_ACTION, since);
  }

  /** Record an unmasked read of personal data with its stated purpose. */
  async unmaskedRead(tx: EntityManager, actor: Principal, entity: string, entityId: string | number, purpose: string, requestId?: string): Promise<void> {
    await this.repo.insert(tx, {
      actorKind: actor.kind,
      actorId: actor.id,
      actorName: actor.name,
      action: 'read_unmasked',
      entity,
      entityId: String(entityId),
      purpose,
      requestId,
    });
  }

  list(db: EntityManager, q: AuditQuery) {
    return this.repo.list(db, q);
  }
}
