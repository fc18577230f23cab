import type { EventState, Permission } from '@gc/contracts';

/**
 * The case workflow as one pure function: (state, action) → next state and the
 * permission needed. Everything that changes an event's state goes through `ruleFor`.
 */
export const EVENT_ACTIONS = [
  'accept', // 受理
  'reject', // 不予受理
  'register', // 立案
  'dispatch', // 派遣
  'start', // 开始处置
  'feedback', // 处置反馈
  'verify', // 核查: passed → verified, failed → rework (返工)
  'close', // 结案
  'evaluate', // 评价 / 回访
  'return', // 回退 (a department sends a case back: not ours)
  'void', // 作废
  'request_extension', // 延期申请
  'approve_extension', // 延期批准
  'deny_extension', // 延期驳回
  'defer', // 缓办
  'resume', // 恢复办理 (from deferred / on account)
  'put_on_account', // 挂账
  'self_handle', // 自处理 (grid worker on the spot)
  'place', // set the location of an unplaced event
  'escalate', // 督办
  'merge', // merge into the case it duplicates
] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

export type Stage = 'accept' | 'register' | 'dispatch' | 'handle' | 'verify' | 'close';

export const OPEN_STATES: readonly EventState[] = [
  'reported',
  'unplaced',
  'accepted',
  'registered',
  'dispatched',
  'in_progress',
  'handled',
  'verified',
  'returned',
  'rework',
  'extension_requested',
  'deferred',
  'on_account',
];

export function isOpen(state: EventState): boolean {
  return OPEN_STATES.includes(state);
}

export interface Rule {
  /** the next state; `prior` = back to the state before an extension request */
  to: EventState | 'prior';
  permission: Permission;
  /** only this role may do it (on top of the permission), e.g. self-handling is the grid worker's */
  role?: 'grid_worker';
}

const r = (to: Rule['to'], permission: Permission, role?: Rule['role']): Rule => ({ to, permission, role });

/** Actions that do not move the case (escalate) or close a duplicate (merge) are allowed on every open case. */
function common(state: EventState, action: EventAction): Rule | null {
  if (!isOpen(state)) return null;
  if (action === 'escalate') return r(state, 'events:command');
  if (action === 'merge') return r('voided', 'events:command');
  if (action === 'void') return r('voided', 'events:command');
  return null;
}

/** The transition table: one exhaustive switch over the current state. */
export function ruleFor(state: EventState, action: EventAction, opts: { passed?: boolean } = {}): Rule | null {
  switch (state) {
    case 'unplaced':
      if (action === 'place') return r('reported', 'events:command');
      if (action === 'reject') return r('rejected', 'events:command');
      return common(state, action);
    case 'reported':
      if (action === 'accept') return r('accepted', 'events:command');
      if (action === 'reject') return r('rejected', 'events:command');
      if (action === 'self_handle') return r('self_handled', 'events:act', 'grid_worker');
      return common(state, action);
    case 'accepted':
      if (action === 'register') return r('registered', 'events:command');
      if (action === 'self_handle') return r('self_handled', 'events:act', 'grid_worker');
      return common(state, action);
    case 'registered':
    case 'returned':
      if (action === 'dispatch') return r('dispatched', 'events:command');
      if (action === 'put_on_account') return r('on_account', 'events:command');
      return common(state, action);
    case 'dispatched':
      if (action === 'start') return r('in_progress', 'events:act');
      if (action === 'return') return r('returned', 'events:act');
      if (action === 'feedback') return r('handled', 'events:act');
      if (action === 'request_extension') return r('extension_requested', 'events:act');
      if (action === 'defer') return r('deferred', 'events:command');
      if (action === 'put_on_account') return r('on_account', 'events:command');
      if (action === 'dispatch') return r('dispatched', 'events:command'); // re-dispatch to another department
      return common(state, action);
    case 'in_progress':
    case 'rework':
      if (action === 'start' && state === 'rework') return r('in_progress', 'events:act');
      if (action === 'feedback') return r('handled', 'events:act');
      if (action === 'request_extension') return r('extension_requested', 'events:act');
      if (action === 'defer') return r('deferred', 'events:command');
      if (action === 'put_on_account') return r('on_account', 'events:command');
      return common(state, action);
    case 'extension_requested':
      if (action === 'approve_extension') return r('prior', 'events:command');
      if (action === 'deny_extension') return r('prior', 'events:command');
      return common(state, action);
    case 'deferred':
    case 'on_account':
      if (action === 'resume') return r('in_progress', 'events:command');
      return common(state, action);
    case 'handled':
      if (action === 'verify') return r(opts.passed === false ? 'rework' : 'verified', 'events:supervise');
      return common(state, action);
    case 'verified':
      if (action === 'close') return r('closed', 'events:supervise');
      return common(state, action);
    case 'self_handled':
      if (action === 'close') return r('closed', 'events:supervise');
      return null;
    case 'closed':
      if (action === 'evaluate') return r('evaluated', 'events:supervise');
      return null;
    case 'evaluated':
    case 'rejected':
    case 'voided':
      return null;
    default: {
      const unreachable: never = state;
      throw new Error(`unknown state ${String(unreachable)}`);
    }
  }
}

/** The stage (and so the time limit) a state runs against; null: no clock running. */
export function stageOf(state: EventState): Stage | null {
  switch (state) {
    case 'reported':
      return 'accept';
    case 'accepted':
      return 'register';
    case 'registered':
    case 'returned':
      return 'dispatch';
    case 'dispatched':
    case 'in_progress':
    case 'rework':
    case 'extension_requested':
      return 'handle';
    case 'handled':
      return 'verify';
    case 'verified':
      return 'close';
    default:
      return null;
  }
}

/** What this caller may do from this state (for 409 details and for screens). */
export function legalActions(state: EventState, can: (rule: Rule) => boolean): EventAction[] {
  return EVENT_ACTIONS.filter((a) => {
    const rule = ruleFor(state, a);
    return rule !== null && can(rule);
  });
}
