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
