import type { AreaSummary, EventSummary } from '@gc/contracts';
import { api, ApiError, getSession, refreshSession } from '../../auth/api/http';

export interface PlaceHit {
  id: number;
  name: string;
  address: string | null;
  location: { lon: number; lat: number };
  grid: { code: string; name: string } | null;
}

export const searchPlaces = (q: string) => api<{ items: PlaceHit[] }>('GET', `/api/places?q=${encodeURIComponent(q)}&limit=8`).then((r) => r.items);
export const searchAreas = (q: string) => api<{ areas: AreaSummary[] }>('GET', `/api/areas?q=${encodeURIComponent(q)}&limit=5`).then((r) => r.areas);

export type NearbyCase = EventSummary & { distanceM: number; address: string | null };
/** Open cases near the place being reported (GET /api/events/nearby): what this report may duplicate. */
export const fetchNearby = (lon: number, lat: number, category: string) =>
  api<{ events: NearbyCase[] }>('GET', `/api/events/nearby?lon=${lon}&lat=${lat}&radius=200${category ? `&category=${category}` : ''}&limit=5`).then((r) => r.events);

export const createEvent = (body: Record<string, unknown>) => api<EventSummary>('POST', '/api/events', body);

/** A photo or document for the report (POST /api/attachments, multipart); one refresh-and-retry on 401. */
export async function uploadAttachment(file: File): Promise<{ url: string; name?: string; type?: string }> {
  let token: string | undefined;
  const send = () => {
    const form = new FormData();
    form.append('file', file);
    token = getSession()?.accessToken;
    return fetch('/api/attachments', { method: 'POST', body: form, headers: token ? { authorization: `Bearer ${token}` } : {} });
  };
  let res = await send();
  if (res.status === 401 && (await refreshSession(token ?? ''))) res = await send();
  const body = (await res.json().catch(() => ({}))) as { url?: string; name?: string; type?: string; code?: string; message?: string; details?: unknown };
  if (!res.ok || !body.url) throw new ApiError(res.status, body.code ?? String(res.status), body.message ?? res.statusText, body.details ?? null);
  return { url: body.url, name: file.name, type: file.type };
}
