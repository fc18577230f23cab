import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryPrepared } from '../../core/database/prepared-query';
import { sqlRow, sqlRows, sqlRun } from '../../core/database/sql';
import type { SummonsDepartmentEntity } from './entities/summons-department.entity';

export interface SummonsDepartmentRow {
  summonsId: number;
  departmentId: number;
  code: string;
  name: string;
  reportedAt: Date | null;
  reportedBy: string | null;
  note: string | null;
}

export interface SummonsRow {
  id: number;
  eventId: number;
  createdAt: Date;
  createdBy: string;
  reportWithinMinutes: number;
  dueAt: Date;
  note: string | null;
  departments: SummonsDepartmentRow[];
}

/**
 * An event's summonses as SummonsRow reads them, each with its departments, as ONE json value
 * (read back with summonsFromJson); `eventId`: a SQL expression. Also inside the single-statement
 * case read (EventsRepository.detail).
 */
export function summonsJsonFor(eventId: string): string {
  return `(SELECT coalesce(json_agg(s ORDER BY s.id), '[]'::json) FROM (
      SELECT s.id::int, s.event_id::int AS "eventId", s.created_at AS "createdAt", s.created_by AS "createdBy",
             s.report_within_minutes AS "reportWithinMinutes", s.due_at AS "dueAt", s.note,
             (SELECT coalesce(json_agg(sd ORDER BY sd.code), '[]'::json) FROM (
                SELECT sd.summons_id::int AS "summonsId", sd.department_id::int AS "departmentId", d.code, d.name,
                       sd.reported_at AS "reportedAt", sd.reported_by AS "reportedBy", sd.note
                  FROM summons_department sd JOIN department d ON d.id = sd.department_id WHERE sd.summons_id = s.id) sd) AS departments
        FROM summons s WHERE s.event_id = ${eventId}) s)`;
}

/** summonsJsonFor's text as SummonsRow[] (times as Date). */
export function summonsFromJson(json: string): SummonsRow[] {
  const all = JSON.parse(json) as SummonsRow[];
  for (const s of all) {
    s.createdAt = new Date(s.createdAt);
    s.dueAt = new Date(s.dueAt);
    for (const d of s.departments) if (d.reportedAt) d.reportedAt = new Date(d.reportedAt);
  }
  return all;
}

@Injectable()
export class SummonsRepository {
  async insert(tx: EntityManager, s: { eventId: number; createdBy: string; minutes: number; note: string | null; departmentIds: number[] }): Promise<number> {
    const row = await sqlRow<{ id: number }>(
      tx,
      `INSERT INTO summons (event_id, created_by, report_within_minutes, due_at, note)
       VALUES ($1, $2, $3, now() + make_interval(mins => $3), $4) RETURNING id::int`,
      [s.eventId, s.createdBy, s.minutes, s.note],
    );
    const id = row!.id; // INSERT … RETURNING answers its row
    await sqlRun(tx, `INSERT INTO summons_department (summons_id, department_id) SELECT $1, unnest($2::bigint[])`, [id, s.departmentIds]);
    return id;
  }

  async forEvent(db: EntityManager, eventId: number): Promise<SummonsRow[]> {
    const [row] = await queryPrepared<{ summons: string }>(db, 'summons_for_event', `SELECT ${summonsJsonFor('$1::bigint')}::text AS summons`, [eventId]);
    return summonsFromJson(row.summons);
  }

  /** Mark the department as reported in; null when it was not summoned, false when it already had. */
  async reportIn(tx: EntityManager, summonsId: number, eventId: number, departmentId: number, by: string, note: string | null): Promise<boolean | null> {
    const row = await sqlRow<{ reportedAt: SummonsDepartmentEntity['reported_at'] }>(
      tx,
      `SELECT sd.reported_at AS "reportedAt" FROM summons_department sd JOIN summons s ON s.id = sd.summons_id
        WHERE sd.summons_id = $1 AND s.event_id = $2 AND sd.department_id = $3 FOR UPDATE OF sd`,
      [summonsId, eventId, departmentId],
    );
    if (!row) return null;
    if (row.reportedAt) return false;
    await sqlRun(tx, `UPDATE summons_department SET reported_at = now(), reported_by = $3, note = $4 WHERE summons_id = $1 AND department_id = $2`, [
      summonsId,
      departmentId,
      by,
      note,
    ]);
    return true;
  }

  async exists(db: EntityManager, summonsId: number, eventId: number): Promise<boolean> {
    return (await sqlRows(db, `SELECT 1 FROM summons WHERE id = $1 AND event_id = $2`, [summonsId, eventId])).length > 0;
  }
}
