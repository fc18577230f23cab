import type { EventState } from '@gc/contracts';
import { ruleFor, type EventAction } from '../events/event-workflow.rules';
import { rng } from './demo-random';
import { categoryRhythm, hourlyRhythm, localHour, planFor, resumePlan } from './demo-simulator.plan';

describe('simulator plans', () => {
  it('only ever take legal transitions, from reported to an end or a deliberate stop', () => {
    const r = rng(42);
    const ends = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const steps = planFor(r, i % 2 === 0);
      let state: EventState = 'reported';
      for (const s of steps) {
        const rule = ruleFor(state, s.action as EventAction, { passed: s.input?.passed });
        expect(rule).not.toBeNull();
        state = rule!.to === 'prior' ? state : rule!.to;
        expect(s.delayMs).toBeGreaterThan(0);
      }
      ends.set(state, (ends.get(state) ?? 0) + 1);
    }
    // Most cases finish; a few are rejected; some are left open to go late (escalation).
    expect((ends.get('closed') ?? 0) + (ends.get('evaluated') ?? 0)).toBeGreaterThan(1500);
    expect(ends.get('rejected')).toBeGreaterThan(0);
    expect((ends.get('dispatched') ?? 0) + (ends.get('in_progress') ?? 0)).toBeGreaterThan(50);
  });

  it('resume a case left open from any open state to closed, legally', () => {
    const r = rng(7);
    for (const from of ['reported', 'accepted', 'registered', 'dispatched', 'in_progress', 'rework', 'handled', 'verified', 'self_handled'] as EventState[]) {
      let state = from;
      for (const s of resumePlan(r, from)) {
        const rule = ruleFor(state, s.action as EventAction, { passed: s.input?.passed });
        expect({ from, state, action: s.action, legal: rule !== null }).toEqual({ from, state, action: s.action, legal: true });
        state = rule!.to as EventState;
      }
      expect(state).toBe('closed');
    }
    expect(resumePlan(r, 'closed')).toEqual([]);
  });

  it('follow the city clock: busy mornings, quiet nights, noise at night', () => {
    expect(localHour(new Date('2026-01-01T02:00:00Z'))).toBe(10);
    const mean = Array.from({ length: 24 }, (_, h) => hourlyRhythm(new Date(Date.UTC(2026, 0, 1, (h + 16) % 24)))).reduce((s, x) => s + x, 0) / 24;
    expect(mean).toBeCloseTo(1, 5);
    expect(hourlyRhythm(new Date('2026-01-01T02:00:00Z'))).toBeGreaterThan(4 * hourlyRhythm(new Date('2026-01-01T19:00:00Z')));
    expect(categoryRhythm('noise', 23)).toBeGreaterThan(categoryRhythm('noise', 10));
  });
});
