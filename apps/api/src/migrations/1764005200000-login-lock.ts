import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in lockout per (username as typed, client address) instead of per account (issue #16 §4).
 * The old lock (app_user.failed_logins / locked_until) let anyone lock anyone out for 15 minutes
 * and answered 423 only for existing accounts (user enumeration). A row here exists for any
 * username, known or not, so the answers cannot differ; `locks` counts the lockouts of the last
 * day from that address and doubles the next lock (backoff). The old columns stay for now (an
 * existing lock is cleared so nobody stays locked by the old rule).
 */
export class LoginLock1764005200000 implements MigrationInterface {
  name = 'LoginLock1764005200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_lock (
        username text NOT NULL,
        address text NOT NULL,
        failures int NOT NULL DEFAULT 0,
        locks int NOT NULL DEFAULT 0,
        locked_until timestamptz,
        last_failure_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (username, address)
      )`);
    await q.query(`UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE failed_logins <> 0 OR locked_until IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_lock`);
  }
}
