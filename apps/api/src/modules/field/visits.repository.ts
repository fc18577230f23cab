import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { VisitView } from '@gc/contracts';
import { sqlRow, sqlRows } from '../../core/database/sql';
import { inScope } from '../auth/scope';
import type { VisitEntity } from './entities/visit.entity';
import { isoAt } from './field-sql';

export interface VisitSubject {
  gridCode: string;
  areaPath: string;
}

export interface NewVisit {
  workerId: number;
  personId: number | null;
  householdNo: string | null;
  placeId: number | null;
  visitedAt: Date;
  notes: string;
  tags: string[];
  followUpEventIds: number[];
  gridCode: string;
  areaPath: string;
  idempotencyKey: string | null;
  requestHash: string | null;
}

/** A visit as read (VisitView): the subject by name only (ID and phone numbers never leave the registry here). */
const VISIT_VIEW = `
SELECT v.id::int AS id, v.worker_id::int AS "workerId", coalesce(u.display_name, u.username) AS "workerName",
       v.person_id::int AS "personId", pe.name AS "personName", v.household_no AS "householdNo",
       v.place_id::int AS "placeId", pl.name AS "placeName", ${isoAt('v.visited_at')} AS "visitedAt", v.notes, v.tags,
       ARRAY(SELECT x::int FROM unnest(v.follow_up_event_ids) x) AS "followUpEventIds", v.grid_code AS "gridCode"
  FROM visit v JOIN app_user u ON u.id = v.worker_id
  LEFT JOIN person pe ON pe.id = v.person_id LEFT JOIN place pl ON pl.id = v.place_id`;

@Injectable()
export class VisitsRepository {
  /** The grid of a visit's subject, if it exists inside the scope (person > household > place). */
  async subject(db: EntityManager, s: { personId: number | null; householdNo: string | null; placeId: number | null }, scopePath: string | null): Promise<VisitSubject | null> {
    const row = await sqlRow<VisitSubject>(
      db,
      `SELECT grid_code AS "gridCode", area_path::text AS "areaPath" FROM (
         SELECT 1 AS o, grid_code, area_path FROM person WHERE id = $1
         UNION ALL SELECT 2, pl.grid_code, pl.area_path FROM household h JOIN place pl ON pl.id = h.place_id WHERE h.household_no = $2
         UNION ALL SELECT 3, grid_code, area_path FROM place WHERE id = $3
       ) s WHERE ${inScope('s.area_path', '$4')} ORDER BY o LIMIT 1`,
      [s.personId, s.householdNo, s.placeId, scopePath],
    );
    return row ?? null;
  }

  /** How many of these event ids exist inside the scope. */
  async visibleEvents(db: EntityManager, ids: number[], scopePath: string | null): Promise<number> {
    const row = await sqlRow<{ n: number }>(db, `SELECT count(*)::int AS n FROM event WHERE id = ANY($1::bigint[]) AND ${inScope('area_path', '$2')}`, [ids, scopePath]);
    return row?.n ?? 0;
  }

  /** Insert; a key already used by this worker inserts nothing and returns the earlier row's id and hash. */
  async insert(db: EntityManager, v: NewVisit): Promise<{ id: number; fresh: boolean; requestHash: string | null }> {
    const row = await sqlRow<{ id: number }>(
      db,
      `INSERT INTO visit (worker_id, person_id, household_no, place_id, visited_at, notes, tags, follow_up_event_ids, grid_code, area_path, idempotency_key, request_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::ltree, $11, $12)
       ON CONFLICT (worker_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id::int`,
      [v.workerId, v.personId, v.householdNo, v.placeId, v.visitedAt, v.notes, v.tags, v.followUpEventIds, v.gridCode, v.areaPath, v.idempotencyKey, v.requestHash],
    );
    if (row) return { id: row.id, fresh: true, requestHash: v.requestHash };
    const prior = await sqlRow<{ id: number; requestHash: VisitEntity['request_hash'] }>(db, `SELECT id::int, request_hash AS "requestHash" FROM visit WHERE worker_id = $1 AND idempotency_key = $2`, [
      v.workerId,
      v.idempotencyKey,
    ]);
    if (!prior) throw new Error(`visit: key ${v.idempotencyKey} conflicted but no visit of worker ${v.workerId} has it`);
    return { id: prior.id, fresh: false, requestHash: prior.requestHash };
  }

  async get(db: EntityManager, id: number): Promise<VisitView | null> {
    return (await sqlRow<VisitView>(db, `${VISIT_VIEW} WHERE v.id = $1`, [id])) ?? null;
  }

  async list(db: EntityManager, q: { personId: number | null; placeId: number | null; householdNo: string | null; limit: number }, scopePath: string | null): Promise<VisitView[]> {
    return sqlRows<VisitView>(
      db,
      `${VISIT_VIEW}
        WHERE ($1::bigint IS NULL OR v.person_id = $1) AND ($2::bigint IS NULL OR v.place_id = $2) AND ($3::text IS NULL OR v.household_no = $3)
          AND ${inScope('v.area_path', '$4')}
        ORDER BY v.visited_at DESC, v.id DESC LIMIT $5`,
      [q.personId, q.placeId, q.householdNo, scopePath, q.limit],
    );
  }
}
