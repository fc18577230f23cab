import type { Permission } from '@gc/contracts';

/** What a control needs before it can be sent. */
export type ActionInput = 'none' | 'note' | 'department' | 'departments' | 'minutes' | 'into' | 'passed' | 'satisfaction' | 'point';

export interface ActionSpec {
  action: string;
  /** who could ever do it: the control is shown only with this permission (the server decides the rest) */
  permission: Permission;
  input: ActionInput;
  /** a reason is required (sent as the note) */
  needsNote?: boolean;
}

/**
 * Every action of the closed loop with a control, in workflow order (the server's legalActions
 * say which apply now). `summon` and `report_in` are their own resources, not transitions.
 */
export const ACTION_SPECS: ActionSpec[] = [
  { action: 'place', permission: 'events:command', input: 'point' },
  { action: 'accept', permission: 'events:command', input: 'none' },
  { action: 'register', permission: 'events:command', input: 'none' },
  { action: 'dispatch', permission: 'events:command', input: 'department' },
  { action: 'summon', permission: 'events:command', input: 'departments' },
  { action: 'start', permission: 'events:act', input: 'none' },
  { action: 'feedback', permission: 'events:act', input: 'note' },
  { action: 'request_extension', permission: 'events:act', input: 'minutes', needsNote: true },
  { action: 'approve_extension', permission: 'events:command', input: 'minutes' },
  { action: 'deny_extension', permission: 'events:command', input: 'note', needsNote: true },
  { action: 'return', permission: 'events:act', input: 'note', needsNote: true },
  { action: 'self_handle', permission: 'events:act', input: 'note' },
  { action: 'verify', permission: 'events:supervise', input: 'passed' },
  { action: 'close', permission: 'events:supervise', input: 'none' },
  { action: 'evaluate', permission: 'events:supervise', input: 'satisfaction' },
  { action: 'defer', permission: 'events:command', input: 'note', needsNote: true },
  { action: 'put_on_account', permission: 'events:command', input: 'note', needsNote: true },
  { action: 'resume', permission: 'events:command', input: 'none' },
  { action: 'escalate', permission: 'events:command', input: 'note' },
  { action: 'merge', permission: 'events:command', input: 'into' },
  { action: 'reject', permission: 'events:command', input: 'note', needsNote: true },
  { action: 'void', permission: 'events:command', input: 'note', needsNote: true },
];

/** The controls a user with these permissions sees; whether each is enabled, and why not. */
export function actionControls(permissions: readonly Permission[], legal: readonly string[] | undefined, open: boolean): { spec: ActionSpec; enabled: boolean; reason: 'state' | 'closed' | 'loading' | null }[] {
  return ACTION_SPECS.filter((s) => permissions.includes(s.permission)).map((spec) => {
    if (!legal) return { spec, enabled: false, reason: 'loading' as const };
    // summoning is allowed on any open case with command powers (POST /summons), not a state change
    if (spec.action === 'summon') return { spec, enabled: open, reason: open ? null : ('closed' as const) };
    const enabled = legal.includes(spec.action);
    return { spec, enabled, reason: enabled ? null : open ? ('state' as const) : ('closed' as const) };
  });
}
