import type { EventSummary } from '@gc/contracts';
import { api } from '../../auth/api/http';

/** A list endpoint may answer with an array or a page object: accept the common page shapes. */
export function itemsOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    for (const k of ['items', 'events', 'data', 'results']) {
      const v = (body as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v as T[];
    }
  }
  return [];
}

/** Open states: what the wall loads at start (closed cases arrive live and are counted). */
export const OPEN_STATES = 'reported,unplaced,accepted,registered,dispatched,in_progress,handled,verified,returned,rework,extension_requested,deferred,on_account';

/** Open events, newest first, page by page (`before` = the last id of the previous page). */
export async function fetchOpenEvents(max = 20000): Promise<EventSummary[]> {
  const out: EventSummary[] = [];
  let before: number | null = null;
  while (out.length < max) {
    const page: { events: EventSummary[]; next: number | null } = await api('GET', `/api/events?state=${OPEN_STATES}&limit=1000${before ? `&before=${before}` : ''}`);
    out.push(...itemsOf<EventSummary>(page));
    if (!page.next) break;
    before = page.next;
  }
  return out;
}

export interface TimelineEntry {
  at: string;
  action: string;
  from: string | null;
  to: string;
  actor: string;
  /** the user's display name (server-side join), else `actor` */
  actorName?: string | null;
  note: string | null;
  department: string | null;
  departmentName?: string | null;
  /** photos and documents: ours at /api/attachments/<id> (behind sign-in), or links elsewhere */
  attachments?: { url: string; name?: string; type?: string }[];
  /** machine-readable facts of the entry (e.g. reason, automatic escalation), for notes in the screen's language */
  data?: Record<string, unknown>;
}

export interface EventDetail extends EventSummary {
  description?: string | null;
  address?: string | null;
  timeline?: TimelineEntry[];
  assignee?: { userId: number | null; name: string } | null;
  legalActions?: string[];
  summons?: SummonsView[];
  reporter?: { name: string | null; phone: string | null } | null;
}

export type SummonsStatus = 'reported' | 'late' | 'missing' | 'pending';

export interface SummonsView {
  id: number;
  createdAt: string;
  dueAt: string;
  note: string | null;
  reportWithinMinutes: number;
  departments: { code: string; name: string; status: SummonsStatus; reportedAt: string | null }[];
}

/** GET /api/summonses: summonses still waiting for a department, soonest deadline first. */
export interface OpenSummons extends SummonsView {
  eventId: number;
  eventTitle: string;
  eventState: string;
  gridName: string | null;
}
export const fetchOpenSummonses = () => api<{ summonses: OpenSummons[] }>('GET', '/api/summonses').then((r) => r.summonses);

export const reportIn = (eventId: number, summonsId: number) => api<unknown>('POST', `/api/events/${eventId}/summons/${summonsId}/report-in`, {});

export const fetchEvent = (id: number) => api<EventDetail>('GET', `/api/events/${id}`);

export const transition = (id: number, body: Record<string, unknown>) => api<unknown>('POST', `/api/events/${id}/transitions`, body);

/** 召集: departments must report in within the given minutes. */
export const summon = (id: number, departments: string[], reportWithinMinutes = 30, note?: string) =>
  api<unknown>('POST', `/api/events/${id}/summons`, { departments, reportWithinMinutes, ...(note ? { note } : {}) });

/** GET /api/events/on-time: cases handled on time vs late (open overdue ones count as late). */
export interface OnTimeStats {
  onTime: number;
  late: number;
  openOverdue: number;
  rate: number | null;
}

export async function fetchOnTime(since: Date): Promise<OnTimeStats | null> {
  try {
    return await api<OnTimeStats>('GET', `/api/events/on-time?since=${encodeURIComponent(since.toISOString())}`);
  } catch {
    return null;
  }
}

export interface StaffRow {
  role: string;
  name: string;
}
export async function fetchGridWorkers(gridCode: string): Promise<string[]> {
  try {
    const r = await api<{ staff: StaffRow[] }>('GET', `/api/areas/${encodeURIComponent(gridCode)}/staff`);
    return r.staff.filter((s) => s.role === 'grid_worker').map((s) => s.name);
  } catch {
    return [];
  }
}
