import { ACTION_SPECS, actionControls } from './action-catalog';

describe('action controls', () => {
  it('has a control for every workflow action', () => {
    const actions = ACTION_SPECS.map((s) => s.action);
    for (const a of ['place', 'request_extension', 'approve_extension', 'deny_extension', 'defer', 'put_on_account', 'resume', 'merge', 'return', 'verify', 'evaluate', 'self_handle']) expect(actions).toContain(a);
  });

  it('shows only what the permissions allow, enables what the server says is legal, and says why the rest is not', () => {
    const dept = actionControls(['events:read', 'events:act'], ['start', 'return'], true);
    expect(dept.map((c) => c.spec.action)).toEqual(['start', 'feedback', 'request_extension', 'return', 'self_handle']);
    expect(dept.filter((c) => c.enabled).map((c) => c.spec.action)).toEqual(['start', 'return']);
    expect(dept.find((c) => c.spec.action === 'feedback')?.reason).toBe('state');
    const closed = actionControls(['events:command'], [], false);
    expect(closed.every((c) => !c.enabled && c.reason === 'closed')).toBe(true);
    expect(actionControls(['events:command'], undefined, true).every((c) => c.reason === 'loading')).toBe(true);
  });
});
