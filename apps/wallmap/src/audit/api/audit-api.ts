import { api, fetchBlob } from '../../auth/api/http';

export interface AuditEntry {
  id: number;
  at: string;
  actorKind: string;
  actorName: string;
  actorDisplayName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  purpose: string | null;
  requestId: string | null;
  areaPath: string | null;
  after: unknown;
}

export interface AuditSearch {
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  from: string;
  to: string;
}

export const EMPTY_SEARCH: AuditSearch = { actor: '', action: '', entity: '', entityId: '', from: '', to: '' };

/** The query string of a search (empty fields left out; local date-times as instants). */
export function auditQuery(s: AuditSearch, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  if (s.actor.trim()) p.set('actor', s.actor.trim());
  if (s.action) p.set('action', s.action);
  if (s.entity) p.set('entity', s.entity);
  if (s.entityId.trim()) p.set('entityId', s.entityId.trim());
  if (s.from) p.set('from', new Date(s.from).toISOString());
  if (s.to) p.set('to', new Date(s.to).toISOString());
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}

export const searchAudit = (s: AuditSearch, beforeId?: number) =>
  api<{ entries: AuditEntry[] }>('GET', `/api/audit?${auditQuery(s, { limit: '100', ...(beforeId ? { beforeId: String(beforeId) } : {}) })}`).then((r) => r.entries);

/** The same search as a CSV download (behind sign-in: fetched with the token, saved through an object URL). */
export async function exportAudit(s: AuditSearch): Promise<void> {
  const blob = await fetchBlob(`/api/audit/export?${auditQuery(s)}`);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `audit-${new Date().toISOString().slice(0, 10)}.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
