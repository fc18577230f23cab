import { Injectable } from '@nestjs/common';
import type { EntityManager, QueryRunner } from 'typeorm';
import type { ChangeType, LiveMessage, LiveMessageMap } from '@gc/contracts';
import { caseDepartmentsSql, changeVisibleSql, type Viewer } from '../auth/visibility';
import { sqlRow, sqlRows } from '../../core/database/sql';
import type { ChangeEntity } from './entities/change.entity';

/** A change to append: `payload` is the type's payload in LiveMessageMap (what the screens receive as `data`). */
export interface NewChange<K extends ChangeType = ChangeType> {
  type: K;
  entityId: string | number | null;
  /** ltree path of the grid (or area) the change belongs to; null: visible to every operator */
  areaPath: string | null;
  payload: LiveMessageMap[K];
  /**
   * The case this change is about (event.* and summons.*): the row is stamped with the departments
   * that may see that case after the change (auth/visibility.ts), plus `alsoDepartments` (the one
   * it was taken from, so its staff learn that it left them). Omitted: no department sees it.
   * `alsoDepartments` alone (no case) stamps a change that is a department's own (a warning about it).
   */
  caseId?: number;
  alsoDepartments?: number[];
}

/** A change as the tailer reads it: the message, and who beyond the jurisdiction may receive it. */
export interface TailedChange {
  message: LiveMessage;
  /** departments whose staff may receive it (null: none) */
  departments: number[] | null;
}

/** Marker on the writing transaction's query runner: "this transaction appended to the outbox" (read by LiveCommitSubscriber). */
export const APPENDED_MARK = 'gc.live.appended';

export function appendedIn(queryRunner: QueryRunner | undefined): boolean {
  return Boolean(queryRunner?.data?.[APPENDED_MARK]);
}

export function clearAppended(queryRunner: QueryRunner | undefined): void {
  if (queryRunner?.data) delete queryRunner.data[APPENDED_MARK];
}

interface ChangeRow {
  seq: number;
  type: ChangeType;
  id: string | null;
  at: Date;
  areaPath: string | null;
  data: unknown;
  departments?: number[] | null;
}

// the payload was written by append() for its type (or by an intake statement, the event summary)
const toMessage = (r: ChangeRow): LiveMessage => ({ seq: r.seq, type: r.type, id: r.id, at: r.at.toISOString(), areaPath: r.areaPath, data: r.data }) as LiveMessage;

/**
 * For writes composed into ONE statement (event intake, in autocommit): the outbox INSERT for
 * each row of the CTE `source`; values are SQL expressions over it. After that statement the
 * caller tells the tailer (LiveTailer.committedLocally), as LiveCommitSubscriber does for
 * transactions.
 */
export function changeInsertFrom(source: string, c: { type: string; entityId: string; areaPath: string; payload: string }): string {
  return `INSERT INTO change (type, entity_id, area_path, payload) SELECT ${c.type}, ${c.entityId}, ${c.areaPath}, ${c.payload} FROM ${source}`;
}

@Injectable()
export class ChangeFeedRepository {
  /**
   * Append to the outbox inside the caller's transaction: a plain INSERT (bigserial id,
   * seq NULL) that takes no shared lock, so concurrent writers never wait on each other.
   * The seq is assigned after the commit by the sequencer (see `sequence`); the returned
   * `outboxId` is the row's id, NOT its seq. Nothing else is needed to push it: the
   * sequencer and the live tailer are woken after the commit.
   */
  async append<K extends ChangeType>(tx: EntityManager, c: NewChange<K>): Promise<{ outboxId: number }> {
    const row = await sqlRow<Pick<ChangeEntity, 'id'>>(
      tx,
      `INSERT INTO change (type, entity_id, area_path, payload, departments)
       VALUES ($1, $2, $3::ltree, $4::jsonb,
               CASE WHEN $5::bigint IS NULL AND cardinality($6::bigint[]) = 0 THEN NULL
                    ELSE ARRAY(SELECT DISTINCT x FROM unnest(${caseDepartmentsSql('$5::bigint')} || $6::bigint[]) x ORDER BY x) END)
       RETURNING id`,
      [c.type, c.entityId === null ? null : String(c.entityId), c.areaPath, JSON.stringify(c.payload ?? {}), c.caseId ?? null, c.alsoDepartments ?? []],
    );
    if (tx.queryRunner) tx.queryRunner.data = { ...tx.queryRunner.data, [APPENDED_MARK]: true };
    return { outboxId: Number(row!.id) }; // INSERT … RETURNING answers its row
  }

  /**
   * One sequencing pass, in one round trip; call it OUTSIDE any transaction (`db` must not be
   * a transaction's manager: the advisory lock lives until the statement's own commit).
   * Returns null when another process is sequencing, else how many committed rows got the
   * seqs counter+1, counter+2, … in id order (the counter moves in the same statement).
   * The SQL is the function `change_sequence` (changes migration), which explains the snapshot.
   */
  async sequence(db: EntityManager, lockKey: number, limit: number): Promise<number | null> {
    const row = await sqlRow<{ n: number | null }>(db, `SELECT change_sequence($1, $2) AS n`, [lockKey, limit]);
    return row!.n;
  }

  /**
   * Changes after `since` that this viewer may see (auth/visibility.ts: jurisdiction, change types
   * of their permissions, department), in seq order; changes with no area reach only the
   * whole-territory scope. `subtrees`: only changes inside one of these paths (a narrowed
   * socket), null: no narrowing. Rows not yet numbered are not visible here.
   */
  async since(db: EntityManager, since: number, limit: number, viewer: Viewer & { types: readonly ChangeType[] }, subtrees: string[] | null = null): Promise<LiveMessage[]> {
    const rows = await sqlRows<ChangeRow>(
      db,
      `SELECT seq::int, type, entity_id AS id, at, area_path::text AS "areaPath", payload AS data
         FROM change c
        WHERE seq > $1 AND ${changeVisibleSql('c', '$3', '$5', '$6')}
          AND ($4::ltree[] IS NULL OR area_path <@ $4::ltree[])
        ORDER BY c.seq LIMIT $2`,
      [since, limit, viewer.scopePath, subtrees, viewer.departmentId, viewer.types],
    );
    return rows.map(toMessage);
  }

  /** Every change after `since`, for the live tailer, with the departments that may receive each (`TailedChange`). */
  async tail(db: EntityManager, since: number, limit: number): Promise<TailedChange[]> {
    const rows = await sqlRows<ChangeRow>(
      db,
      `SELECT seq::int, type, entity_id AS id, at, area_path::text AS "areaPath", payload AS data, departments::int[] AS departments
         FROM change WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [since, limit],
    );
    return rows.map((r) => ({ message: toMessage(r), departments: r.departments ?? null }));
  }

  /** The highest seq handed out: the counter moves in the same transaction that numbers rows, so every seq up to it is visible. */
  async latest(db: EntityManager): Promise<number> {
    const row = await sqlRow<{ seq: number }>(db, `SELECT seq::int FROM change_counter`);
    return row!.seq; // the one row the changes migration inserted
  }

  /** Seqs of outbox rows by id (null while a row awaits the sequencer). For tests and diagnostics. */
  async seqsOf(db: EntityManager, outboxIds: number[]): Promise<Map<number, number | null>> {
    const rows = await sqlRows<{ id: string; seq: number | null }>(db, `SELECT id::text AS id, seq::int FROM change WHERE id = ANY($1::bigint[])`, [outboxIds]);
    return new Map(rows.map((r) => [Number(r.id), r.seq]));
  }

  /** Current paths of the given area codes that lie inside `scopePath` (null = whole territory); codes outside it are simply absent. */
  async currentAreasInScope(db: EntityManager, codes: string[], scopePath: string | null): Promise<{ code: string; path: string }[]> {
    return sqlRows<{ code: string; path: string }>(
      db,
      `SELECT code, path::text AS path
         FROM area
        WHERE code = ANY($1::text[]) AND valid_from IS NOT NULL AND valid_to IS NULL
          AND ($2::ltree IS NULL OR path <@ $2::ltree)`,
      [codes, scopePath],
    );
  }
}
