import type { GridRef } from './areas';

/** The closed loop's states (see domain.md §3, GB/T 30428). */
export const EVENT_STATES = [
  'reported', // 上报: in, not yet accepted
  'unplaced', // no usable location: waits for an operator to place it
  'accepted', // 受理
  'registered', // 立案
  'dispatched', // 派遣
  'in_progress', // 处置中
  'handled', // 反馈: handled, feedback given
  'verified', // 核查通过
  'closed', // 结案
  'evaluated', // 评价
  'rejected', // 不予受理
  'voided', // 作废
  'returned', // 回退
  'rework', // 返工
  'extension_requested', // 延期申请
  'deferred', // 缓办
  'on_account', // 挂账
  'self_handled', // 自处理
] as const;
export type EventState = (typeof EVENT_STATES)[number];

export const EVENT_SOURCES = ['operator', 'patrol', 'hotline', 'resident', 'system', 'sensor', 'open311'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export const URGENCIES = ['normal', 'urgent', 'critical'] as const;
export type Urgency = (typeof URGENCIES)[number];

export type DeadlineWarning = 'none' | 'yellow' | 'red';

/** What the wall map needs to draw and list an event. */
export interface EventSummary {
  id: number;
  category: string;
  categoryName: string;
  urgency: Urgency;
  state: EventState;
  source: EventSource;
  title: string;
  lon: number | null;
  lat: number | null;
  grid: GridRef | null;
  department: string | null;
  createdAt: string;
  dueAt: string | null;
  overdue: boolean;
  warning: DeadlineWarning;
  escalationLevel: number;
}

// Responses the wall reads (GET /api/events/:id, /api/summonses, /api/events/on-time, /api/areas/:code/staff).

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

/** GET /api/events/on-time: cases handled on time vs late (open overdue ones count as late). */
export interface OnTimeStats {
  onTime: number;
  late: number;
  openOverdue: number;
  rate: number | null;
}

export interface StaffRow {
  role: string;
  name: string;
}
