import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sqlRow, sqlRows, sqlRun } from '../../core/database/sql';
import type { AuditLogEntity } from './entities/audit-log.entity';

export interface AuditEntry {
  actorKind: string;
  actorId: number | null;
  actorName: string;
  action: string;
  entity: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
  purpose?: string | null;
  requestId?: string | null;
  areaPath?: string | null;
}

/** An entry as the audit screen and its CSV export read it: a projection of AuditLogEntity, ids as numbers. */
export type AuditRow = {
  id: number;
  at: AuditLogEntity['at'];
  actorKind: AuditLogEntity['actor_kind'];
  actorId: number | null;
  actorName: AuditLogEntity['actor_name'];
  /** the account's display name, for entries by a user */
  actorDisplayName: string | null;
  action: AuditLogEntity['action'];
  entity: AuditLogEntity['entity'];
  entityId: AuditLogEntity['entity_id'];
  before: AuditLogEntity['before'];
  after: AuditLogEntity['after'];
  purpose: AuditLogEntity['purpose'];
  requestId: AuditLogEntity['request_id'];
  areaPath: AuditLogEntity['area_path'];
};

export interface AuditQuery {
  from?: Date;
  to?: Date;
  entity?: string;
  entityId?: string;
  actor?: string;
  action?: string;
  limit: number;
  beforeId?: number;
}

/**
 * For writes composed into ONE statement (event intake): the INSERT of one audit row per row of
 * the CTE `source`; each value is an SQL expression over `source` or a parameter. Keeps the
 * audit table's SQL here while the caller owns the statement.
 */
export function auditInsertFrom(
  source: string,
  v: { actorKind: string; actorId: string; actorName: string; action: string; entity: string; entityId: string; after: string; requestId: string; areaPath: string },
): string {
  return `INSERT INTO audit_log (actor_kind, actor_id, actor_name, action, entity, entity_id, before, after, request_id, area_path)
    SELECT ${v.actorKind}, ${v.actorId}, ${v.actorName}, ${v.action}, ${v.entity}, ${v.entityId}, NULL, ${v.after}, ${v.requestId}, ${v.areaPath} FROM ${source}`;
}

@Injectable()
export class AuditRepository {
  async insert(tx: EntityManager, e: AuditEntry): Promise<void> {
    await sqlRun(
      tx,
      `INSERT INTO audit_log (actor_kind, actor_id, actor_name, action, entity, entity_id, before, after, purpose, request_id, area_path)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::ltree)`,
      [
        e.actorKind,
        e.actorId,
        e.actorName,
        e.action,
        e.entity,
        e.entityId,
        e.before === undefined ? null : JSON.stringify(e.before),
        e.after === undefined ? null : JSON.stringify(e.after),
        e.purpose ?? null,
        e.requestId ?? null,
        e.areaPath ?? null,
      ],
    );
  }

  /**
   * Serialise one actor's entries of `action` (a transaction-scoped advisory lock, so parallel
   * requests cannot both pass a budget) and count those since `since`. The count runs after the
   * lock, as its own statement, so it sees every earlier request that committed.
   */
  async lockAndCountSince(tx: EntityManager, actor: { kind: string; id: number }, action: string, since: Date): Promise<number> {
    await sqlRun(tx, `SELECT pg_advisory_xact_lock(hashtext($1), $2::int)`, [`audit:${action}:${actor.kind}`, actor.id]);
    const row = await sqlRow<{ n: number }>(tx, `SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND actor_kind = $2 AND actor_id = $3 AND at >= $4`, [action, actor.kind, actor.id, since]);
    return row!.n; // count(*) always answers one row
  }

  async list(db: EntityManager, q: AuditQuery): Promise<AuditRow[]> {
    return sqlRows<AuditRow>(
      db,
      `SELECT id::int, at, actor_kind AS "actorKind", actor_id::int AS "actorId", actor_name AS "actorName",
              (SELECT u.display_name FROM app_user u WHERE u.id = audit_log.actor_id AND audit_log.actor_kind = 'user') AS "actorDisplayName",
              action, entity, entity_id AS "entityId", before, after, purpose, request_id AS "requestId", area_path::text AS "areaPath"
         FROM audit_log
        WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
          AND ($3::text IS NULL OR entity = $3) AND ($4::text IS NULL OR entity_id = $4)
          AND ($5::text IS NULL OR actor_name = $5
               OR (actor_kind = 'user' AND actor_id IN (SELECT u.id FROM app_user u WHERE u.display_name = $5))) AND ($6::text IS NULL OR action = $6)
          AND ($7::bigint IS NULL OR id < $7)
        ORDER BY id DESC LIMIT $8`,
      [q.from ?? null, q.to ?? null, q.entity ?? null, q.entityId ?? null, q.actor ?? null, q.action ?? null, q.beforeId ?? null, q.limit],
    );
  }
}
