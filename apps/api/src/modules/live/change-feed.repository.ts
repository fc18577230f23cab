import { Injectable } from '@nestjs/common';
import type { EntityManager, QueryRunner } from 'typeorm';
import type { ChangeType, LiveMessage } from '@gc/contracts';

export interface NewChange {
  type: ChangeType;
  entityId: string | number | null;
  /** ltree path of the grid (or area) the change belongs to; null: visible to every operator */
  areaPath: string | null;
  payload: unknown;
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
}

const toMessage = (r: ChangeRow): LiveMessage => ({ seq: r.seq, type: r.type, id: r.id, at: r.at.toISOString(), areaPath: r.areaPath, data: r.data });

@Injectable()
export class ChangeFeedRepository {
  /**
   * Append to the outbox inside the caller's transaction: a plain INSERT (bigserial id,
   * seq NULL) that takes no shared lock, so concurrent writers never wait on each other.
   * The seq is assigned after the commit by the sequencer (see `sequence`); the returned
   * `outboxId` is the row's id, NOT its seq. Nothing else is needed to push it: the
   * sequencer and the live tailer are woken after the commit.
   */
  async append(tx: EntityManager, c: NewChange): Promise<{ outboxId: number }> {
    const [row] = await tx.query(
      `INSERT INTO change (type, entity_id, area_path, payload) VALUES ($1, $2, $3::ltree, $4::jsonb) RETURNING id`,
      [c.type, c.entityId === null ? null : String(c.entityId), c.areaPath, JSON.stringify(c.payload ?? {})],
    );
    if (tx.queryRunner) tx.queryRunner.data = { ...tx.queryRunner.data, [APPENDED_MARK]: true };
    return { outboxId: Number(row.id) };
  }

  /** Is any committed outbox row still waiting for its seq? (cheap probe on the partial index, no transaction) */
  async hasUnsequenced(db: EntityManager): Promise<boolean> {
    const [row] = await db.query(`SELECT EXISTS (SELECT 1 FROM change WHERE seq IS NULL) AS pending`);
    return row.pending;
  }

  /**
   * One sequencing pass; `tx` must be a READ COMMITTED transaction used for nothing else.
   * The advisory lock makes this the only sequencer in the cluster until commit; returns
   * null when another process holds it. Otherwise numbers up to `limit` committed
   * unsequenced rows counter+1, counter+2, … in id order and moves the counter by as
   * many, in the same statement, and returns how many it numbered.
   * The lock is taken in its own statement on purpose: under READ COMMITTED the next
   * statement's snapshot is taken after the lock was granted, so it sees everything the
   * previous sequencer committed (its seqs and its counter) before releasing the lock.
   */
  async sequence(tx: EntityManager, lockKey: number, limit: number): Promise<number | null> {
    const [{ locked }] = await tx.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [lockKey]);
    if (!locked) return null;
    const [row] = await tx.query(
      `WITH todo AS (
         SELECT id, row_number() OVER (ORDER BY id) AS n
           FROM (SELECT id FROM change WHERE seq IS NULL ORDER BY id LIMIT $1) oldest
       ), bump AS (
         UPDATE change_counter SET seq = seq + (SELECT count(*) FROM todo)
          WHERE EXISTS (SELECT 1 FROM todo)
         RETURNING seq - (SELECT count(*) FROM todo) AS base
       ), numbered AS (
         UPDATE change c SET seq = bump.base + todo.n FROM todo, bump WHERE c.id = todo.id RETURNING 1
       )
       SELECT count(*)::int AS n FROM numbered`,
      [limit],
    );
    return row.n;
  }

  /** Changes after `since`, in seq order, limited to a scope path (null = everything; changes with no area only reach the whole-territory scope). Rows not yet numbered are not visible here. */
  async since(db: EntityManager, since: number, limit: number, scopePath: string | null): Promise<LiveMessage[]> {
    const rows: ChangeRow[] = await db.query(
      `SELECT seq::int, type, entity_id AS id, at, area_path::text AS "areaPath", payload AS data
         FROM change
        WHERE seq > $1 AND ($3::ltree IS NULL OR area_path <@ $3::ltree)
        ORDER BY seq LIMIT $2`,
      [since, limit, scopePath],
    );
    return rows.map(toMessage);
  }

  /** The highest seq handed out: the counter moves in the same transaction that numbers rows, so every seq up to it is visible. */
  async latest(db: EntityManager): Promise<number> {
    const [row] = await db.query(`SELECT seq::int FROM change_counter`);
    return row.seq;
  }

  /** Seqs of outbox rows by id (null while a row awaits the sequencer). For tests and diagnostics. */
  async seqsOf(db: EntityManager, outboxIds: number[]): Promise<Map<number, number | null>> {
    const rows: { id: string; seq: number | null }[] = await db.query(`SELECT id::text AS id, seq::int FROM change WHERE id = ANY($1::bigint[])`, [outboxIds]);
    return new Map(rows.map((r) => [Number(r.id), r.seq]));
  }

  /** Current paths of the given area codes that lie inside `scopePath` (null = whole territory); codes outside it are simply absent. */
  async currentAreasInScope(db: EntityManager, codes: string[], scopePath: string | null): Promise<{ code: string; path: string }[]> {
    return db.query(
      `SELECT code, path::text AS path
         FROM area
        WHERE code = ANY($1::text[]) AND valid_from IS NOT NULL AND valid_to IS NULL
          AND ($2::ltree IS NULL OR path <@ $2::ltree)`,
      [codes, scopePath],
    );
  }
}
