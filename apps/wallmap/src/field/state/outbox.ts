/**
 * What the phone keeps until the API has it (reports, photos, actions, visits, position batches).
 * Pure rules here; IndexedDB in outbox-db.ts; the sending loop in outbox-sender.ts.
 */
export type OutboxKind = 'report' | 'visit' | 'action' | 'positions';

export interface Uploaded {
  url: string;
  name?: string;
  type?: string;
}

export interface OutboxItem {
  /** the Idempotency-Key, also the IndexedDB key: a re-send of the same item is the same request */
  key: string;
  kind: OutboxKind;
  url: string;
  body: Record<string, unknown>;
  createdAt: number;
  /** a short label for the waiting list (the report's title, "走访", …) */
  label: string;
  photo?: Blob | null;
  photoName?: string;
  /** the photo once uploaded (kept, so a retry does not upload it again) */
  uploaded?: Uploaded | null;
  attempts: number;
  /** a report: a transition to apply to the new case once it exists (self-handle on the spot) */
  then?: { action: string; note?: string };
  /** the API refused it (4xx): kept to show, not retried */
  refused?: string | null;
}

export type Outcome = 'sent' | 'retry' | 'refused';

/** 2xx: done; 401/408/429/5xx: try again later; any other 4xx will never succeed as it is. */
export function classify(status: number): Outcome {
  if (status >= 200 && status < 300) return 'sent';
  if (status === 401 || status === 408 || status === 429 || status >= 500) return 'retry';
  return 'refused';
}

/** The items to send, oldest first (a case before the visit that follows it up); refused ones wait for the worker. */
export function sendable(items: OutboxItem[]): OutboxItem[] {
  return items.filter((i) => !i.refused).sort((a, b) => a.createdAt - b.createdAt || a.key.localeCompare(b.key));
}

/** The request body: a report carries its uploaded photo as an attachment. */
export function bodyOf(item: OutboxItem): Record<string, unknown> {
  if (item.kind !== 'report' || !item.uploaded) return item.body;
  const prior = Array.isArray(item.body.attachments) ? (item.body.attachments as unknown[]) : [];
  return { ...item.body, attachments: [...prior, item.uploaded] };
}

/** Whether the photo must go up before the report. */
export const needsUpload = (item: OutboxItem) => item.kind === 'report' && !!item.photo && !item.uploaded;

/** The follow-up item of a sent report (its own key, derived: a re-run makes the same request). */
export function followUp(item: OutboxItem, eventId: number): OutboxItem | null {
  if (item.kind !== 'report' || !item.then) return null;
  return {
    key: `${item.key}:${item.then.action}`,
    kind: 'action',
    url: `/api/events/${eventId}/transitions`,
    body: { action: item.then.action, ...(item.then.note ? { note: item.then.note } : {}) },
    label: item.label,
    createdAt: item.createdAt + 1,
    attempts: 0,
  };
}

export function newKey(kind: OutboxKind): string {
  const rnd = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `${kind}-${rnd}`;
}
