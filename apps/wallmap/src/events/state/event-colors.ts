/**
 * The one status → colour table of the wall. Markers, the legend, the feed and the
 * grid fills all read it, so a colour means the same thing everywhere.
 */
export const STATUS_COLORS = {
  normal: '#3fb6ff',
  urgent: '#ffb020',
  critical: '#ff4d6d',
  overdue: '#ff2e2e',
  warning: '#ffd23f',
  done: '#5ad17a',
  cluster: '#2f7fd8',
  gridCalm: '#1d3b5c',
  gridOpen: '#1f9e89',
  gridBusy: '#f29e4c',
  gridOverdue: '#e63946',
} as const;

export type StatusKey = keyof typeof STATUS_COLORS;

/** The colour a case is drawn with: overdue beats urgency. */
export function statusKey(e: { overdue: boolean; urgency: string; state: string }): StatusKey {
  if (e.overdue) return 'overdue';
  if (e.state === 'closed' || e.state === 'evaluated') return 'done';
  if (e.urgency === 'critical') return 'critical';
  if (e.urgency === 'urgent') return 'urgent';
  return 'normal';
}
