import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Urgency } from '@gc/contracts';
import type { Stage } from './event-workflow.rules';
import { sqlRow, sqlRows } from '../../core/database/sql';
import type { GridStaffEntity } from '../areas/entities/grid-staff.entity';

export interface CategoryRow {
  code: string;
  parentCode: string | null;
  name: string;
  nameEn: string;
  groupName: string | null;
  departments: string[];
  /** working minutes per urgency and stage */
  stageLimits: Partial<Record<Urgency, Partial<Record<Stage, number>>>>;
}

export interface DepartmentRow {
  id: number;
  code: string;
  name: string;
  nameEn: string;
}

/** Code tables the workflow reads: categories (with routing and limits), departments, grid staff. */
@Injectable()
export class EventCatalogRepository {
  async categories(db: EntityManager): Promise<CategoryRow[]> {
    return sqlRows<CategoryRow>(db,
      `SELECT c.code, c.parent_code AS "parentCode", c.name, c.name_en AS "nameEn", p.name AS "groupName", c.departments, c.stage_limits AS "stageLimits"
         FROM event_category c LEFT JOIN event_category p ON p.code = c.parent_code
        WHERE c.active AND c.parent_code IS NOT NULL ORDER BY c.parent_code, c.code`,
    );
  }

  async allDepartments(db: EntityManager): Promise<DepartmentRow[]> {
    return sqlRows<DepartmentRow>(db, `SELECT id::int, code, name, name_en AS "nameEn" FROM department ORDER BY code`);
  }

  async departmentsByCode(db: EntityManager, codes: string[]): Promise<DepartmentRow[]> {
    return sqlRows<DepartmentRow>(db, `SELECT id::int, code, name, name_en AS "nameEn" FROM department WHERE code = ANY($1)`, [codes]);
  }

  /** The grid's current grid worker (grid_staff), for dispatch: location → grid → its worker. */
  async gridWorker(db: EntityManager, gridCode: string): Promise<{ userId: number | null; name: string } | undefined> {
    return sqlRow<{ userId: number | null; name: GridStaffEntity['name'] }>(
      db,
      `SELECT user_id::int AS "userId", name FROM grid_staff
        WHERE area_code = $1 AND role = 'grid_worker' AND valid_to IS NULL ORDER BY valid_from LIMIT 1`,
      [gridCode],
    );
  }
}
