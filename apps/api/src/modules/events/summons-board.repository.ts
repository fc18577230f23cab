import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OPEN_STATES } from './event-workflow.rules';
import { EVENT_VISIBLE, type Viewer } from './events.repository';
import type { SummonsRow } from './summons.repository';
import { sqlRows } from '../../core/database/sql';

export interface BoardRow extends SummonsRow {
  eventTitle: string;
  eventState: string;
  gridName: string | null;
}

/**
 * The open summonses board: summonses of open cases that still wait for at least one department,
 * soonest report-in deadline first, filtered by the cases' one visibility rule (EVENT_VISIBLE:
 * jurisdiction, and for department staff only cases sent or summoned to their department).
 */
@Injectable()
export class SummonsBoardRepository {
  async open(db: EntityManager, v: Viewer, limit: number): Promise<BoardRow[]> {
    const rows = await sqlRows<Omit<BoardRow, 'departments'> & { departments: SummonsRow['departments'] }>(db,
      `SELECT s.id::int, s.event_id::int AS "eventId", s.created_at AS "createdAt", s.created_by AS "createdBy",
              s.report_within_minutes AS "reportWithinMinutes", s.due_at AS "dueAt", s.note,
              e.title AS "eventTitle", e.state AS "eventState", g.name AS "gridName",
              (SELECT coalesce(json_agg(sd ORDER BY sd.code), '[]'::json) FROM (
                 SELECT sd.summons_id::int AS "summonsId", sd.department_id::int AS "departmentId", d.code, d.name,
                        sd.reported_at AS "reportedAt", sd.reported_by AS "reportedBy", sd.note
                   FROM summons_department sd JOIN department d ON d.id = sd.department_id WHERE sd.summons_id = s.id) sd) AS departments
         FROM summons s
         JOIN event e ON e.id = s.event_id
         LEFT JOIN area g ON g.id = e.grid_id
        WHERE ${EVENT_VISIBLE} AND e.state = ANY($3)
          AND EXISTS (SELECT 1 FROM summons_department w WHERE w.summons_id = s.id AND w.reported_at IS NULL)
        ORDER BY s.due_at, s.id
        LIMIT $4`,
      [v.scopePath, v.departmentId, OPEN_STATES, limit],
    );
    for (const r of rows) {
      r.createdAt = new Date(r.createdAt);
      r.dueAt = new Date(r.dueAt);
      for (const d of r.departments) if (d.reportedAt) d.reportedAt = new Date(d.reportedAt);
    }
    return rows;
  }
}
