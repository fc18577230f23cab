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

export async function fetchOpenEvents(limit = 5000): Promise<EventSummary[]> {
  return itemsOf<EventSummary>(await api<unknown>('GET', `/api/events?limit=${limit}`));
}

export interface TimelineEntry {
  at: string;
  action?: string;
  type?: string;
  from?: string | null;
  to?: string | null;
  state?: string | null;
  actor?: string | { username?: string; displayName?: string | null } | null;
  note?: string | null;
  comment?: string | null;
}

export interface EventDetail extends EventSummary {
  description?: string | null;
  address?: string | null;
  timeline?: TimelineEntry[];
  gridWorker?: { name?: string; displayName?: string; username?: string } | string | null;
  gridWorkers?: { name?: string; displayName?: string }[];
  legalActions?: string[];
  allowedActions?: string[];
  summons?: { department?: string; state?: string }[];
}

export const fetchEvent = (id: number) => api<EventDetail>('GET', `/api/events/${id}`);

export const transition = (id: number, body: Record<string, unknown>) => api<unknown>('POST', `/api/events/${id}/transitions`, body);

export interface EventStats {
  newToday?: number;
  open?: number;
  overdue?: number;
  closedToday?: number;
  closed?: number;
  onTimeRate?: number | null;
}

/** Server statistics if the events module has them; null when the endpoint does not exist. */
export async function fetchStats(): Promise<EventStats | null> {
  try {
    return await api<EventStats>('GET', '/api/events/stats');
  } catch {
    return null;
  }
}
