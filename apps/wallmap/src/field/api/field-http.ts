import type { PatrolSummary, PatrolView, WorkerSuggestion } from '@gc/contracts';
import { api, getSession, refreshSession } from '../../auth/api/http';

/** The network is not there (offline, DNS, reset): the request never reached the API. */
export class NetworkDown extends Error {}

export interface Sent {
  status: number;
  data: unknown;
}

/** A POST with an Idempotency-Key; resolves with any HTTP answer, rejects with NetworkDown when the request did not get through. */
export async function postKeyed(url: string, body: unknown, key: string): Promise<Sent> {
  const send = () =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key, ...(getSession() ? { authorization: `Bearer ${getSession()!.accessToken}` } : {}) },
      body: JSON.stringify(body),
    });
  let res: Response;
  try {
    res = await send();
    if (res.status === 401 && (await refreshSession())) res = await send();
  } catch {
    throw new NetworkDown('network down');
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  return { status: res.status, data };
}

/** A photo upload (multipart); NetworkDown when it did not get through. */
export async function uploadPhoto(blob: Blob, name: string): Promise<Sent> {
  const send = () => {
    const form = new FormData();
    form.append('file', blob, name);
    const token = getSession()?.accessToken;
    return fetch('/api/attachments', { method: 'POST', body: form, headers: token ? { authorization: `Bearer ${token}` } : {} });
  };
  let res: Response;
  try {
    res = await send();
    if (res.status === 401 && (await refreshSession())) res = await send();
  } catch {
    throw new NetworkDown('network down');
  }
  return { status: res.status, data: await res.json().catch(() => null) };
}

export const startPatrol = () => api<PatrolView>('POST', '/api/patrols');
export const endPatrol = (id: number) => api<PatrolView>('POST', `/api/patrols/${id}/end`);
export const myPatrols = () => api<{ patrols: PatrolView[] }>('GET', '/api/patrols?limit=20').then((r) => r.patrols);
export const patrolsOf = (worker: number) => api<{ patrols: PatrolView[] }>('GET', `/api/patrols?worker=${worker}&limit=5`).then((r) => r.patrols);
export const suggestWorkers = (lon: number, lat: number, grid: string | null) =>
  api<{ workers: WorkerSuggestion[] }>('GET', `/api/workers?near=${lon},${lat}&available=true&limit=8${grid ? `&grid=${encodeURIComponent(grid)}` : ''}`).then((r) => r.workers);
export const patrolSummary = (from: string, to: string, groupBy: 'worker' | 'grid') =>
  api<PatrolSummary>('GET', `/api/patrols/summary?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&groupBy=${groupBy}`);
