import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sqlRow, sqlRows } from '../../core/database/sql';
import type { AreaEntity } from '../areas/entities/area.entity';
import type { EventCategoryEntity } from '../events/entities/event-category.entity';

export interface SimAnchor {
  lon: number;
  lat: number;
  kind: 'object' | 'place';
  gridCode: string;
  gridPath: string;
  workerName: string | null;
  workerUserId: number | null;
}

/** What the simulator reads once at start: the actors it plays and where cases happen. */
@Injectable()
export class DemoSimulatorRepository {
  async user(db: EntityManager, username: string): Promise<{ id: number; name: string } | null> {
    const row = await sqlRow<{ id: number; name: string }>(db, `SELECT id::int, display_name AS name FROM app_user WHERE username = $1 AND disabled_at IS NULL`, [username]);
    return row ?? null;
  }

  async cityPath(db: EntityManager): Promise<Pick<AreaEntity, 'code' | 'path'> | null> {
    const row = await sqlRow<Pick<AreaEntity, 'code' | 'path'>>(db, `SELECT code, path::text AS path FROM area WHERE level = 'city' AND valid_from IS NOT NULL AND valid_to IS NULL ORDER BY code LIMIT 1`);
    return row ?? null;
  }

  /** Category names for case titles a person can read on the wall. */
  async categoryNames(db: EntityManager): Promise<Map<string, string>> {
    const rows = await sqlRows<Pick<EventCategoryEntity, 'code' | 'name'>>(db, `SELECT code, name FROM event_category`);
    return new Map(rows.map((r) => [r.code, r.name]));
  }

  async departments(db: EntityManager): Promise<{ id: number; code: string; name: string }[]> {
    return sqlRows(db, `SELECT id::int, code, name FROM department ORDER BY code`);
  }

  /**
   * Cases the simulator created and left open (the process stopped), except those it let go late
   * on purpose (escalated): a restart picks them up again. Title prefix = the simulator's mark.
   */
  async openSimulated(db: EntityManager, limit: number): Promise<{ id: number; state: string; department: string | null }[]> {
    return sqlRows(
      db,
      `SELECT e.id::int, e.state, d.code AS department FROM event e LEFT JOIN department d ON d.id = e.department_id
        WHERE e.title LIKE '模拟案件·%' AND e.escalation_level = 0
          AND e.state IN ('reported', 'accepted', 'registered', 'dispatched', 'in_progress', 'rework', 'handled', 'verified', 'self_handled')
        ORDER BY e.id LIMIT $1`,
      [limit],
    );
  }

  /**
   * A sample of where things happen, weighted towards people and components: buildings (where
   * people live), shops, schools and city components, each with its grid and grid worker.
   */
  async anchors(db: EntityManager, n: number): Promise<SimAnchor[]> {
    return sqlRows<SimAnchor>(
      db,
      `WITH s AS (
         (SELECT geom, 'place' AS kind, grid_code, area_path FROM place WHERE kind IN ('building', 'shop', 'school', 'rental_housing') ORDER BY random() LIMIT $1)
         UNION ALL
         (SELECT geom, 'object', grid_code, area_path FROM city_object ORDER BY random() LIMIT $1)
       )
       SELECT ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.kind, s.grid_code AS "gridCode", s.area_path::text AS "gridPath",
              w.name AS "workerName", w.user_id::int AS "workerUserId"
         FROM s LEFT JOIN LATERAL (
           SELECT name, user_id FROM grid_staff g WHERE g.area_code = s.grid_code AND g.role = 'grid_worker' AND g.valid_to IS NULL ORDER BY g.id LIMIT 1
         ) w ON true`,
      [n],
    );
  }
}
