import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16 §2 (personal data):
 * - An ID number is unique within what a caller sees, no longer across the territory: a person
 *   registered in one district may be registered again where they now live (floating
 *   population), and a refusal would tell the registering caller that the number exists outside
 *   their jurisdiction. The check is in people.service (under a per-number advisory lock); the
 *   duplicate is reported in the audit log. The lookup index stays, no longer unique.
 * - Exact-match lookups by ID or phone number are budgeted per account from their audit rows:
 *   a small partial index answers "this actor's lookups in the last hour" (nothing for other rows).
 */
export class PiiLookupAndIdUniqueness1764005110000 implements MigrationInterface {
  name = 'PiiLookupAndIdUniqueness1764005110000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX person_id_number_uq`);
    await q.query(`CREATE INDEX person_id_number_idx ON person (id_number_hmac) WHERE id_number_hmac IS NOT NULL`);
    await q.query(`CREATE INDEX audit_log_pii_lookup_idx ON audit_log (actor_kind, actor_id, at) WHERE action = 'lookup_pii'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_log_pii_lookup_idx`);
    await q.query(`DROP INDEX person_id_number_idx`);
    await q.query(`CREATE UNIQUE INDEX person_id_number_uq ON person (id_number_hmac) WHERE id_number_hmac IS NOT NULL`);
  }
}
