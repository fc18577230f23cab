/** The audit export's columns, in order. */
export const AUDIT_CSV_COLUMNS = ['id', 'at', 'actorKind', 'actorName', 'actorDisplayName', 'action', 'entity', 'entityId', 'purpose', 'requestId', 'areaPath', 'before', 'after'] as const;

/**
 * One CSV field (RFC 4180 quoting). A text that a spreadsheet would run as a formula (= + - @ at
 * its start) gets a leading apostrophe: the log holds what users typed.
 */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Audit rows as CSV with a header row; a BOM so spreadsheet programs read the Chinese as UTF-8. */
export function auditCsv(rows: Record<string, unknown>[]): string {
  const lines = [AUDIT_CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(AUDIT_CSV_COLUMNS.map((c) => csvField(r[c])).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
