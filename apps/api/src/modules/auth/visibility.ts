import type { ChangeType, Permission } from '@gc/contracts';
import type { Principal } from './principal';
import { inScope } from './scope';

/**
 * Who may see a case, and a change of the live feed, in ONE place (STYLE.md §20). The REST read
 * and list of events, the on-time counts, attachments, the change feed (`GET /api/changes`), the
 * socket's live push and its `since` catch-up all take their rule from here:
 *
 *   jurisdiction   the record's area path lies under the caller's (`inScope`);
 *   department     department staff (role `department` without command-centre powers) see only
 *                  cases sent (dispatched) or summoned to their department;
 *   role           each kind of change needs the permission that reads that kind of record.
 *
 * The generic access test (core/http/openapi-access.int-spec.ts) checks every channel against
 * the REST read, per role and department.
 */

/** The visibility half of a principal: what every read of cases filters by. */
export interface Viewer {
  scopePath: string | null;
  /** set for department staff: they see cases sent or summoned to their department; null: no such restriction */
  departmentId: number | null;
}

/** Department staff (and nobody with command-centre powers) see and act only on their department's cases. */
export function departmentOnly(p: Principal): boolean {
  return p.roles.includes('department') && p.departmentId !== null && !p.permissions.has('events:command') && !p.permissions.has('events:supervise');
}

export function viewerOf(p: Principal): Viewer {
  return { scopePath: p.scopePath, departmentId: departmentOnly(p) ? p.departmentId : null };
}

/** Everything, for system work (sweeps, the writer reading back its own row). */
export const EVERYTHING: Viewer = { scopePath: null, departmentId: null };

/**
 * Whether the case `e` (alias of an `event` row) is the department `dept`'s (an SQL expression):
 * dispatched to it, or it was summoned to the case. The one definition of "a department's case".
 */
export function caseOfDepartmentSql(e: string, dept: string): string {
  return `(${e}.department_id = ${dept} OR EXISTS (
    SELECT 1 FROM summons s JOIN summons_department sd ON sd.summons_id = s.id WHERE s.event_id = ${e}.id AND sd.department_id = ${dept}))`;
}

/**
 * The REST rule for a case: `e` an event alias, `scope` the ltree parameter (null: everywhere),
 * `dept` the department parameter (null: no department restriction).
 */
export function caseVisibleSql(e: string, scope: string, dept: string): string {
  return `${inScope(`${e}.area_path`, scope)} AND (${dept}::bigint IS NULL OR ${caseOfDepartmentSql(e, `${dept}::bigint`)})`;
}

/**
 * The departments whose staff may see the case with id `eventId` (an SQL expression): stamped on
 * each outbox row of a case when it is written (`change.departments`), so the feed shows
 * department staff what they could see when it happened. Built from `caseOfDepartmentSql`.
 */
export function caseDepartmentsSql(eventId: string): string {
  return `ARRAY(SELECT d.id FROM department d, event e WHERE e.id = ${eventId} AND ${caseOfDepartmentSql('e', 'd.id')} ORDER BY d.id)`;
}

/** The permission that reads the record a change is about; a change type not listed here reaches nobody but the listed. */
export const CHANGE_READ_PERMISSION: Record<ChangeType, Permission> = {
  'event.created': 'events:read',
  'event.transitioned': 'events:read',
  'event.escalated': 'events:read',
  'summons.created': 'events:read',
  'summons.answered': 'events:read',
  'area.version.published': 'areas:read',
  // early warnings follow the REST rule of GET /api/warnings: area in scope; department staff only their department's (stamped)
  'warning.raised': 'events:read',
  'warning.updated': 'events:read',
  // grid workers' positions are personal data: the command roles only (on top of the area rule)
  'worker.position': 'events:command',
};

/** The change types this caller may receive (by the permissions of their roles). */
export function changeTypesFor(p: Principal): ChangeType[] {
  return (Object.keys(CHANGE_READ_PERMISSION) as ChangeType[]).filter((t) => p.permissions.has(CHANGE_READ_PERMISSION[t]));
}

/** The permissions the change feed depends on (a socket that lacks one is kept out of those messages). */
export const CHANGE_PERMISSIONS: readonly Permission[] = [...new Set(Object.values(CHANGE_READ_PERMISSION))];

/**
 * The feed rule for an outbox row `c` (SQL): jurisdiction by the change's area path, the change
 * type by the caller's permissions (`types`, a text[] parameter), and for department staff
 * (`dept` not null) only changes stamped with their department. A change with no stamp (a new
 * case not yet sent anywhere, an area version) reaches no department-restricted viewer:
 * the rule fails closed.
 */
export function changeVisibleSql(c: string, scope: string, dept: string, types: string): string {
  return `${inScope(`${c}.area_path`, scope)} AND ${c}.type = ANY(${types}::text[]) AND (${dept}::bigint IS NULL OR ${dept}::bigint = ANY(${c}.departments))`;
}
