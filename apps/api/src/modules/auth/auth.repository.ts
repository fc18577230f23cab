import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Role } from '@gc/contracts';
import { sqlChanged, sqlRow, sqlRows, sqlRun } from '../../core/database/sql';
import type { AreaEntity } from '../areas/entities/area.entity';
import type { ApiKeyEntity } from './entities/api-key.entity';
import type { LoginLockEntity } from './entities/login-lock.entity';
import type { RefreshTokenEntity } from './entities/refresh-token.entity';

export interface UserRow {
  id: number;
  username: string;
  displayName: string | null;
  passwordHash: string;
  roles: Role[];
  jurisdictionCode: string;
  departmentId: number | null;
  departmentCode: string | null;
  failedLogins: number;
  lockedUntil: Date | null;
  disabledAt: Date | null;
  demo: boolean;
}

export interface ApiKeyRow {
  id: number;
  name: string;
  roles: Role[];
  jurisdictionCode: string;
  departmentId: number | null;
  departmentCode: string | null;
}

/** An API key as the administrators' list shows it (never its hash). */
export type ApiKeyListRow = {
  id: number;
  name: ApiKeyEntity['name'];
  prefix: ApiKeyEntity['prefix'];
  roles: Role[];
  jurisdiction: ApiKeyEntity['jurisdiction_code'];
  createdAt: ApiKeyEntity['created_at'];
  revokedAt: ApiKeyEntity['revoked_at'];
};

const USER_COLUMNS = `u.id::int, u.username, u.display_name AS "displayName", u.password_hash AS "passwordHash", u.roles,
  u.jurisdiction_code AS "jurisdictionCode", u.department_id::int AS "departmentId", d.code AS "departmentCode",
  u.failed_logins AS "failedLogins", u.locked_until AS "lockedUntil", u.disabled_at AS "disabledAt", u.demo`;

@Injectable()
export class AuthRepository {
  async findUserByName(db: EntityManager, username: string): Promise<UserRow | undefined> {
    return sqlRow<UserRow>(db, `SELECT ${USER_COLUMNS} FROM app_user u LEFT JOIN department d ON d.id = u.department_id WHERE u.username = $1`, [username]);
  }

  async findUserById(db: EntityManager, id: number): Promise<UserRow | undefined> {
    return sqlRow<UserRow>(db, `SELECT ${USER_COLUMNS} FROM app_user u LEFT JOIN department d ON d.id = u.department_id WHERE u.id = $1`, [id]);
  }

  /** Insert unless the username exists (two processes booting together both try to create the first admin). */
  async insertUserIfAbsent(db: EntityManager, u: { username: string; displayName: string | null; passwordHash: string; roles: Role[]; jurisdictionCode: string; departmentId: number | null }): Promise<boolean> {
    const inserted = await sqlChanged(
      db,
      `INSERT INTO app_user (username, display_name, password_hash, roles, jurisdiction_code, department_id)
       VALUES ($1, $2, $3, $4::text[], $5, $6) ON CONFLICT (username) DO NOTHING`,
      [u.username, u.displayName, u.passwordHash, u.roles, u.jurisdictionCode, u.departmentId],
    );
    return inserted > 0;
  }

  async countAdmins(db: EntityManager): Promise<number> {
    const row = await sqlRow<{ n: number }>(db, `SELECT count(*)::int AS n FROM app_user WHERE 'admin' = ANY(roles) AND disabled_at IS NULL`);
    return row!.n;
  }

  async insertUser(db: EntityManager, u: { username: string; displayName: string | null; passwordHash: string; roles: Role[]; jurisdictionCode: string; departmentId: number | null; demo?: boolean }): Promise<number> {
    const row = await sqlRow<{ id: number }>(
      db,
      `INSERT INTO app_user (username, display_name, password_hash, roles, jurisdiction_code, department_id, demo)
       VALUES ($1, $2, $3, $4::text[], $5, $6, $7) RETURNING id::int`,
      [u.username, u.displayName, u.passwordHash, u.roles, u.jurisdictionCode, u.departmentId, u.demo ?? false],
    );
    return row!.id; // INSERT … RETURNING answers its row
  }

  /** Every account but the demo ones gets `hash` (a password nobody knows); for a database copied from the demo snapshot. */
  async lockOutCopiedAccounts(db: EntityManager, hash: string): Promise<void> {
    await sqlRun(db, `UPDATE app_user SET password_hash = $1 WHERE NOT demo`, [hash]);
  }

  async setPassword(db: EntityManager, id: number, hash: string): Promise<void> {
    await sqlRun(db, `UPDATE app_user SET password_hash = $2, failed_logins = 0, locked_until = NULL WHERE id = $1`, [id, hash]);
  }

  /** When (username, address) is locked, until when; null when it may try. */
  async lockedUntil(db: EntityManager, username: string, address: string): Promise<Date | null> {
    const row = await sqlRow<{ lockedUntil: LoginLockEntity['locked_until'] }>(db, `SELECT locked_until AS "lockedUntil" FROM login_lock WHERE username = $1 AND address = $2 AND locked_until > now()`, [
      username,
      address,
    ]);
    return row?.lockedUntil ?? null;
  }

  /**
   * One failed sign-in of (username, address), known user or not. The Nth failure locks the pair for
   * base × 2^(locks that day) seconds, capped; a lock starts the failure count again. Returns the
   * new lock's end, or null.
   */
  async recordFailure(db: EntityManager, username: string, address: string, o: { after: number; baseSeconds: number; maxSeconds: number }): Promise<Date | null> {
    const row = await sqlRow<{ lockedUntil: LoginLockEntity['locked_until'] }>(
      db,
      `INSERT INTO login_lock AS l (username, address, failures, locks, locked_until, last_failure_at)
       VALUES ($1, $2, 1, CASE WHEN 1 >= $3 THEN 1 ELSE 0 END, CASE WHEN 1 >= $3 THEN now() + make_interval(secs => $4) END, now())
       ON CONFLICT (username, address) DO UPDATE SET
         locks = CASE WHEN l.last_failure_at < now() - interval '1 day' THEN 0 ELSE l.locks END
                 + CASE WHEN l.failures + 1 >= $3 THEN 1 ELSE 0 END,
         locked_until = CASE WHEN l.failures + 1 >= $3
                             THEN now() + make_interval(secs => least($5::float8,
                                    $4::float8 * 2 ^ (CASE WHEN l.last_failure_at < now() - interval '1 day' THEN 0 ELSE l.locks END)))
                             ELSE l.locked_until END,
         failures = CASE WHEN l.failures + 1 >= $3 THEN 0 ELSE l.failures + 1 END,
         last_failure_at = now()
       RETURNING CASE WHEN l.locked_until > now() THEN l.locked_until END AS "lockedUntil"`,
      [username, address, o.after, o.baseSeconds, o.maxSeconds],
    );
    return row?.lockedUntil ?? null;
  }

  /** A successful sign-in from an address forgets that address's failures for that username. */
  async recordSuccess(db: EntityManager, username: string, address: string): Promise<void> {
    await sqlRun(db, `DELETE FROM login_lock WHERE username = $1 AND address = $2`, [username, address]);
  }

  /**
   * Forgets (username, address) pairs whose lock is over and whose last failure is more than a day
   * old: recordFailure already starts their escalation again after a quiet day, so the row says
   * nothing any more. Without this, every guessed username from every address stays for ever.
   */
  async purgeStaleLocks(db: EntityManager, limit: number): Promise<number> {
    const row = await sqlRow<{ n: number }>(
      db,
      `WITH d AS (DELETE FROM login_lock WHERE ctid = ANY (ARRAY(
         SELECT ctid FROM login_lock WHERE last_failure_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until <= now()) LIMIT $1)) RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [limit],
    );
    return row!.n;
  }

  /** An administrator unlocks an account from every address; returns how many locks were lifted. */
  async unlock(db: EntityManager, username: string): Promise<number> {
    const row = await sqlRow<{ n: number }>(
      db,
      `WITH d AS (DELETE FROM login_lock WHERE username = $1 RETURNING locked_until)
       SELECT count(*) FILTER (WHERE locked_until > now())::int AS n FROM d`,
      [username],
    );
    return row!.n;
  }

  async listUsers(db: EntityManager): Promise<Omit<UserRow, 'passwordHash'>[]> {
    const rows = await sqlRows<UserRow>(db, `SELECT ${USER_COLUMNS} FROM app_user u LEFT JOIN department d ON d.id = u.department_id ORDER BY u.id`);
    return rows.map(({ passwordHash: _, ...rest }) => rest);
  }

  async departmentIdByCode(db: EntityManager, code: string): Promise<number | undefined> {
    const row = await sqlRow<{ id: number }>(db, `SELECT id::int FROM department WHERE code = $1`, [code]);
    return row?.id;
  }

  /** Current ltree path of an area code (the jurisdiction). */
  async areaPath(db: EntityManager, code: string): Promise<string | undefined> {
    const row = await sqlRow<Pick<AreaEntity, 'path'>>(db, `SELECT path::text AS path FROM area WHERE code = $1 AND valid_from IS NOT NULL AND valid_to IS NULL`, [code]);
    return row?.path;
  }

  // Refresh tokens: rotated on every use; reuse of a used token revokes its whole family.
  async insertRefresh(db: EntityManager, userId: number, family: string, hash: string, ttlSeconds: number): Promise<void> {
    await sqlRun(db, `INSERT INTO refresh_token (user_id, family, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`, [userId, family, hash, ttlSeconds]);
  }

  async takeRefresh(db: EntityManager, hash: string): Promise<{ id: number; userId: number; family: string; expired: boolean; used: boolean; revoked: boolean } | undefined> {
    return sqlRow<{ id: number; userId: number; family: RefreshTokenEntity['family']; expired: boolean; used: boolean; revoked: boolean }>(
      db,
      `SELECT id::int, user_id::int AS "userId", family::text, expires_at < now() AS expired, used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS revoked
         FROM refresh_token WHERE token_hash = $1 FOR UPDATE`,
      [hash],
    );
  }

  async markRefreshUsed(db: EntityManager, id: number): Promise<void> {
    await sqlRun(db, `UPDATE refresh_token SET used_at = now() WHERE id = $1`, [id]);
  }

  async revokeFamily(db: EntityManager, family: string): Promise<void> {
    await sqlRun(db, `UPDATE refresh_token SET revoked_at = now() WHERE family = $1 AND revoked_at IS NULL`, [family]);
  }

  async revokeAllForUser(db: EntityManager, userId: number): Promise<void> {
    await sqlRun(db, `UPDATE refresh_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
  }

  async isFamilyRevoked(db: EntityManager, family: string): Promise<boolean> {
    return (await sqlRows(db, `SELECT 1 FROM refresh_token WHERE family = $1 AND revoked_at IS NOT NULL LIMIT 1`, [family])).length > 0;
  }

  // API keys for other systems.
  async insertApiKey(db: EntityManager, k: { name: string; prefix: string; keyHash: string; roles: Role[]; jurisdictionCode: string; departmentId: number | null; createdBy: number | null }): Promise<number> {
    const row = await sqlRow<{ id: number }>(
      db,
      `INSERT INTO api_key (name, prefix, key_hash, roles, jurisdiction_code, department_id, created_by)
       VALUES ($1, $2, $3, $4::text[], $5, $6, $7) RETURNING id::int`,
      [k.name, k.prefix, k.keyHash, k.roles, k.jurisdictionCode, k.departmentId, k.createdBy],
    );
    return row!.id; // INSERT … RETURNING answers its row
  }

  async findApiKey(db: EntityManager, keyHash: string): Promise<ApiKeyRow | undefined> {
    return sqlRow<ApiKeyRow>(
      db,
      `SELECT k.id::int, k.name, k.roles, k.jurisdiction_code AS "jurisdictionCode", k.department_id::int AS "departmentId", d.code AS "departmentCode"
         FROM api_key k LEFT JOIN department d ON d.id = k.department_id
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
      [keyHash],
    );
  }

  async listApiKeys(db: EntityManager): Promise<ApiKeyListRow[]> {
    return sqlRows<ApiKeyListRow>(db, `SELECT id::int, name, prefix, roles, jurisdiction_code AS jurisdiction, created_at AS "createdAt", revoked_at AS "revokedAt" FROM api_key ORDER BY id`);
  }

  async revokeApiKey(db: EntityManager, id: number): Promise<boolean> {
    return (await sqlChanged(db, `UPDATE api_key SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id])) > 0;
  }
}
