import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ChangeType, LiveMessage } from '@gc/contracts';

export interface NewChange {
  type: ChangeType;
  entityId: string | number | null;
  /** ltree path of the grid (or area) the change belongs to; null: visible to every operator */
  areaPath: string | null;
  payload: unknown;
}

@Injectable()
export class ChangeFeedRepository {
  /**
   * Append to the outbox inside the caller's transaction. The seq comes from the
   * one-row counter: the row lock is held until commit, so seqs commit in order
   * with no gaps. Call it as late as possible in the transaction (it serialises writers).
   */
  async append(tx: EntityManager, c: NewChange): Promise<number> {
    const [row] = await tx.query(
      `WITH next AS (UPDATE change_counter SET seq = seq + 1 RETURNING seq)
       INSERT INTO change (seq, type, entity_id, area_path, payload)
       SELECT next.seq, $1, $2, $3::ltree, $4::jsonb FROM next
       RETURNING seq::int`,
      [c.type, c.entityId === null ? null : String(c.entityId), c.areaPath, JSON.stringify(c.payload ?? {})],
    );
    return row.seq;
  }

  /** Changes after `since`, in order, limited to a scope path (null = everything; changes with no area only reach the whole-territory scope). */
  async since(db: EntityManager, since: number, limit: number, scopePath: string | null): Promise<LiveMessage[]> {
    return db.query(
      `SELECT seq::int, type, entity_id AS id, at, area_path::text AS "areaPath", payload AS data
         FROM change
        WHERE seq > $1 AND ($3::ltree IS NULL OR area_path <@ $3::ltree)
        ORDER BY seq LIMIT $2`,
      [since, limit, scopePath],
    );
  }

  async latest(db: EntityManager): Promise<number> {
    const [row] = await db.query(`SELECT seq::int FROM change_counter`);
    return row.seq;
  }
}
