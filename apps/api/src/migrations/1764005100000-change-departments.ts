import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The departments whose staff may see an outbox row of a case (issue 16): stamped when the row is
 * written, from the one definition of "a department's case" (auth/visibility.ts), so the change
 * feed, the socket push and its catch-up show department staff only the changes of cases sent or
 * summoned to them, as they stood when the change happened. NULL: no department may see the row
 * (a new case not yet dispatched, an area version, rows written before this migration): the rule
 * fails closed. No index: the feed is read by seq and this only filters those rows.
 */
export class ChangeDepartments1764005100000 implements MigrationInterface {
  name = 'ChangeDepartments1764005100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE change ADD COLUMN departments bigint[]`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE change DROP COLUMN departments`);
  }
}
