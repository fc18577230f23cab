import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sqlRow, sqlRows, sqlRun } from '../../core/database/sql';

export interface SimPatroller {
  id: number;
  name: string;
  gridCode: string;
  gridPath: string;
  lon: number;
  lat: number;
}

/** The simulated patrollers: grid worker accounts nobody signs in with, each the worker of one grid. */
@Injectable()
export class DemoPatrolsRepository {
  /**
   * Make (once) `n` accounts `demo_patrol_<i>` for grids whose grid worker has no account yet,
   * named after that worker and linked as the grid's staff (a password nobody knows). Returns every simulated patroller with a start point inside its grid.
   */
  async ensure(db: EntityManager, n: number, passwordHash: string): Promise<SimPatroller[]> {
    await sqlRun(
      db,
      `WITH free AS (
         SELECT DISTINCT ON (a.code) a.code, s.id AS staff_id, s.name,
                row_number() OVER (ORDER BY a.code) + (SELECT count(*) FROM app_user WHERE username LIKE 'demo\\_patrol\\_%') AS i
           FROM area a JOIN grid_staff s ON s.area_code = a.code AND s.role = 'grid_worker' AND s.valid_to IS NULL AND s.user_id IS NULL
          WHERE a.level = 'grid' AND a.valid_from IS NOT NULL AND a.valid_to IS NULL
          ORDER BY a.code, s.id
          LIMIT greatest(0, $1 - (SELECT count(*) FROM app_user WHERE username LIKE 'demo\\_patrol\\_%'))
       ), made AS (
         INSERT INTO app_user (username, display_name, password_hash, roles, jurisdiction_code, demo)
         SELECT 'demo_patrol_' || i, name, $2, ARRAY['grid_worker'], code, false FROM free
         RETURNING id, jurisdiction_code
       )
       UPDATE grid_staff s SET user_id = made.id FROM made, free WHERE free.code = made.jurisdiction_code AND s.id = free.staff_id`,
      [n, passwordHash],
    );
    return sqlRows<SimPatroller>(
      db,
      `SELECT u.id::int, u.display_name AS name, a.code AS "gridCode", a.path::text AS "gridPath",
              ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
         FROM app_user u JOIN area a ON a.code = u.jurisdiction_code AND a.valid_from IS NOT NULL AND a.valid_to IS NULL,
              LATERAL (SELECT ST_PointOnSurface(a.geom) AS geom) p
        WHERE u.username LIKE 'demo\\_patrol\\_%' AND u.disabled_at IS NULL ORDER BY u.id`,
    );
  }

  /** Whether a point lies inside the grid (a patrol turns back at its edge). */
  async inside(db: EntityManager, gridCode: string, lon: number, lat: number): Promise<boolean> {
    const row = await sqlRow<{ ok: boolean }>(db, `SELECT EXISTS (SELECT 1 FROM area WHERE code = $1 AND valid_from IS NOT NULL AND valid_to IS NULL AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($2, $3), 4326))) AS ok`, [
      gridCode,
      lon,
      lat,
    ]);
    return row!.ok;
  }
}
