import type { EventDetail, EventSummary, OnTimeStats, OpenSummons, StaffRow } from '@gc/contracts';
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

export const fetchOpenSummonses = () => api<{ summonses: OpenSummons[] }>('GET', '/api/summonses').then((r) => r.summonses);

export const reportIn = (eventId: number, summonsId: number) => api<unknown>('POST', `/api/events/${eventId}/summons/${summonsId}/report-in`, {});

export const fetchEvent = (id: number) => api<EventDetail>('GET', `/api/events/${id}`);

export const transition = (id: number, body: Record<string, unknown>) => api<unknown>('POST', `/api/events/${id}/transitions`, body);

/** 召集: departments must report in within the given minutes. */
export const summon = (id: number, departments: string[], reportWithinMinutes = 30, note?: string) =>
  api<unknown>('POST', `/api/events/${id}/summons`, { departments, reportWithinMinutes, ...(note ? { note } : {}) });

export async function fetchOnTime(since: Date): Promise<OnTimeStats | null> {
  try {
    return await api<OnTimeStats>('GET', `/api/events/on-time?since=${encodeURIComponent(since.toISOString())}`);
  } catch {
    return null;
  }
}

export async function fetchGridWorkers(gridCode: string): Promise<string[]> {
  try {
    const r = await api<{ staff: StaffRow[] }>('GET', `/api/areas/${encodeURIComponent(gridCode)}/staff`);
    return r.staff.filter((s) => s.role === 'grid_worker').map((s) => s.name);
  } catch {
    return [];
  }
}
