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
   * Append to the outbox inside the caller's transaction. The seq comes from the
   * one-row counter: the row lock is held until commit, so seqs commit in order
   * with no gaps. Call it as late as possible in the transaction (it serialises writers).
   * Nothing else is needed to push it: the live tailer is woken after the commit.
   */
  async append(tx: EntityManager, c: NewChange): Promise<number> {
    const [row] = await tx.query(
      `WITH next AS (UPDATE change_counter SET seq = seq + 1 RETURNING seq)
       INSERT INTO change (seq, type, entity_id, area_path, payload)
       SELECT next.seq, $1, $2, $3::ltree, $4::jsonb FROM next
       RETURNING seq::int`,
      [c.type, c.entityId === null ? null : String(c.entityId), c.areaPath, JSON.stringify(c.payload ?? {})],
    );
    if (tx.queryRunner) tx.queryRunner.data = { ...tx.queryRunner.data, [APPENDED_MARK]: true };
    return row.seq;
  }

  /** Changes after `since`, in order, limited to a scope path (null = everything; changes with no area only reach the whole-territory scope). */
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

  async latest(db: EntityManager): Promise<number> {
    const [row] = await db.query(`SELECT seq::int FROM change_counter`);
    return row.seq;
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
