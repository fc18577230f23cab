import { EVENT_STATES } from '@gc/contracts';
import { EVENT_ACTIONS, isOpen, legalActions, ruleFor, stageOf } from './event-workflow.rules';

describe('event workflow rules', () => {
  it('walks the main loop accept → register → dispatch → start → feedback → verify → close → evaluate', () => {
    let state = 'reported' as (typeof EVENT_STATES)[number];
    for (const [action, to] of [
      ['accept', 'accepted'],
      ['register', 'registered'],
      ['dispatch', 'dispatched'],
      ['start', 'in_progress'],
      ['feedback', 'handled'],
      ['verify', 'verified'],
      ['close', 'closed'],
      ['evaluate', 'evaluated'],
    ] as const) {
      const rule = ruleFor(state, action);
      expect(rule?.to).toBe(to);
      state = to;
    }
    expect(isOpen(state)).toBe(false);
  });

  it('sends a failed verification back for rework', () => {
    expect(ruleFor('handled', 'verify', { passed: false })?.to).toBe('rework');
    expect(ruleFor('rework', 'feedback')?.to).toBe('handled');
  });

  it('lets only grid workers self-handle and only the command centre dispatch', () => {
    expect(ruleFor('reported', 'self_handle')).toMatchObject({ to: 'self_handled', role: 'grid_worker' });
    expect(ruleFor('registered', 'dispatch')?.permission).toBe('events:command');
    expect(ruleFor('closed', 'verify')).toBeNull();
  });

  it('has an answer for every (state, action) and no action out of a final state except close/evaluate', () => {
    for (const s of EVENT_STATES) for (const a of EVENT_ACTIONS) expect(() => ruleFor(s, a)).not.toThrow();
    expect(legalActions('evaluated', () => true)).toEqual([]);
    expect(legalActions('voided', () => true)).toEqual([]);
    expect(legalActions('closed', () => true)).toEqual(['evaluate']);
  });

  it('lists the legal actions for a caller and runs the clock only where a stage is open', () => {
    expect(legalActions('handled', (r) => r.permission === 'events:act')).toEqual([]);
    expect(legalActions('dispatched', (r) => r.permission === 'events:act')).toEqual(['start', 'feedback', 'return', 'request_extension']);
    expect(stageOf('dispatched')).toBe('handle');
    expect(stageOf('deferred')).toBeNull();
    expect(stageOf('unplaced')).toBeNull();
  });
});
