import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sqlRow, sqlRows, sqlRun } from '../../core/database/sql';
import type { AppSecretEntity } from '../../core/security/entities/app-secret.entity';
import type { AreaEntity } from '../areas/entities/area.entity';
import type { Role } from '@gc/contracts';

/** Accounts, grid staff and departments for the demo city (bulk SQL, one statement per kind). */
@Injectable()
export class DemoPeopleRepository {
  async currentGrids(db: EntityManager): Promise<Pick<AreaEntity, 'code' | 'name' | 'path'>[]> {
    return sqlRows(db, `SELECT code, name, path::text AS path FROM area WHERE level = 'grid' AND valid_from IS NOT NULL AND valid_to IS NULL ORDER BY code`);
  }

  /** 一长二员 for every grid: rows arrive as parallel arrays (unnest), one INSERT for the whole city. */
  async insertGridStaff(db: EntityManager, rows: { areaCode: string; role: string; name: string; phone: string }[]): Promise<void> {
    await sqlRun(
      db,
      `INSERT INTO grid_staff (area_code, role, name, phone)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [rows.map((r) => r.areaCode), rows.map((r) => r.role), rows.map((r) => r.name), rows.map((r) => r.phone)],
    );
  }

  async upsertDemoUser(db: EntityManager, u: { username: string; displayName: string; passwordHash: string; role: Role; jurisdiction: string; department: string | null }): Promise<number> {
    const row = await sqlRow<{ id: number }>(
      db,
      `INSERT INTO app_user (username, display_name, password_hash, roles, jurisdiction_code, department_id, demo)
       VALUES ($1, $2, $3, ARRAY[$4]::text[], $5, (SELECT id FROM department WHERE code = $6), true)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, jurisdiction_code = EXCLUDED.jurisdiction_code,
              roles = EXCLUDED.roles, department_id = EXCLUDED.department_id, demo = true, failed_logins = 0, locked_until = NULL
         WHERE app_user.demo
       RETURNING id::int`,
      [u.username, u.displayName, u.passwordHash, u.role, u.jurisdiction, u.department],
    );
    return row?.id ?? 0;
  }

  /** What the demo accounts look like now (username, password hash, role, jurisdiction, department), for the boot's fingerprint. */
  async demoAccountState(db: EntityManager, usernames: string[]): Promise<{ username: string; hash: string; roles: string[]; jurisdiction: string; department: string | null }[]> {
    return sqlRows(
      db,
      `SELECT u.username, u.password_hash AS hash, u.roles, u.jurisdiction_code AS jurisdiction, d.code AS department
         FROM app_user u LEFT JOIN department d ON d.id = u.department_id
        WHERE u.username = ANY($1::text[]) AND u.demo ORDER BY u.username`,
      [usernames],
    );
  }

  /** A lockout from failed sign-ins never outlives a restart for the published demo accounts. */
  async unlockDemoUsers(db: EntityManager): Promise<void> {
    await sqlRun(db, `UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE demo AND (failed_logins > 0 OR locked_until IS NOT NULL)`);
  }

  /** The fingerprint of the accounts as last asserted (kept beside the generated secrets). */
  async accountsMark(db: EntityManager): Promise<string | null> {
    const row = await sqlRow<Pick<AppSecretEntity, 'value'>>(db, `SELECT value FROM app_secret WHERE name = 'demo_accounts'`);
    return row?.value ?? null;
  }

  async setAccountsMark(db: EntityManager, value: string): Promise<void> {
    await sqlRun(db, `INSERT INTO app_secret (name, value) VALUES ('demo_accounts', $1) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`, [value]);
  }

  /** The grid worker account is also that grid's grid worker (grid_staff.user_id). */
  async linkStaffUser(db: EntityManager, gridCode: string, userId: number, name: string): Promise<void> {
    await sqlRun(db, `UPDATE grid_staff SET user_id = $2, name = $3 WHERE id = (SELECT id FROM grid_staff WHERE area_code = $1 AND role = 'grid_worker' AND valid_to IS NULL ORDER BY id LIMIT 1)`, [
      gridCode,
      userId,
      name,
    ]);
  }

  async demoUsers(db: EntityManager): Promise<{ username: string; roles: Role[]; jurisdiction: string; displayName: string }[]> {
    return sqlRows(db, `SELECT username, roles, jurisdiction_code AS jurisdiction, display_name AS "displayName" FROM app_user WHERE demo AND disabled_at IS NULL ORDER BY id`);
  }
}
