import type { TransitionInput } from '../events/event-workflow.service';

/** Who moves a case at each step: the command centre, the department it was dispatched to, the grid worker, the supervisors. */
export type SimActor = 'command' | 'department' | 'worker' | 'supervisor';

export interface PlannedStep {
  action: string;
  actor: SimActor;
  delayMs: number;
  input?: TransitionInput;
}

/** Hour of day in the demo city (Asia/Shanghai, UTC+8, no daylight saving). */
export function localHour(d: Date): number {
  return (d.getUTCHours() + 8) % 24;
}

// Relative activity by local hour (mean 1): quiet nights, morning and afternoon peaks, a lunch dip.
const HOURLY = [0.2, 0.15, 0.12, 0.1, 0.12, 0.25, 0.6, 1.2, 1.6, 1.9, 1.85, 1.5, 0.9, 1.2, 1.7, 1.65, 1.45, 1.25, 1.0, 0.95, 0.95, 0.75, 0.55, 0.35];
const HOURLY_MEAN = HOURLY.reduce((s, x) => s + x, 0) / 24;

/** Multiplier of the configured rate at this moment (averages 1 over a day). */
export function hourlyRhythm(d: Date): number {
  return HOURLY[localHour(d)] / HOURLY_MEAN;
}

/** Categories have their own hours: noise at night, vendors at meal times, parking at rush hours, rubbish in the morning. */
export function categoryRhythm(category: string, hour: number): number {
  switch (category) {
    case 'noise':
      return hour >= 21 || hour < 6 ? 6 : hour >= 18 ? 2 : 0.6;
    case 'street_vendor':
      return (hour >= 6 && hour < 9) || (hour >= 17 && hour < 22) ? 2.5 : 0.6;
    case 'illegal_parking':
      return (hour >= 7 && hour < 10) || (hour >= 17 && hour < 20) ? 2.2 : 0.7;
    case 'exposed_rubbish':
    case 'overflowing_bin':
      return hour >= 6 && hour < 11 ? 1.8 : 0.8;
    case 'street_light':
      return hour >= 18 || hour < 6 ? 3 : 0.3;
    default:
      return 1;
  }
}

/**
 * The steps a new case will go through, with simulated thinking/travel time between them.
 * Outcomes: ~3 % rejected, ~30 % of patrol reports self-handled, ~8 % left alone after dispatch or
 * start (they go late and the escalation sweep escalates them), ~7 % sent back for rework,
 * ~60 % evaluated after closing.
 */
export function planFor(r: () => number, patrol: boolean): PlannedStep[] {
  const wait = (min: number, max: number) => Math.round((min + r() * (max - min)) * 1000);
  const steps: PlannedStep[] = [];
  if (r() < 0.03) return [{ action: 'reject', actor: 'command', delayMs: wait(2, 15), input: { note: '不属于受理范围' } }];
  if (patrol && r() < 0.3) {
    return [
      { action: 'self_handle', actor: 'worker', delayMs: wait(2, 20), input: { note: '现场处置完毕' } },
      { action: 'close', actor: 'supervisor', delayMs: wait(5, 30) },
    ];
  }
  steps.push({ action: 'accept', actor: 'command', delayMs: wait(2, 15) });
  steps.push({ action: 'register', actor: 'command', delayMs: wait(2, 15) });
  steps.push({ action: 'dispatch', actor: 'command', delayMs: wait(2, 20) });
  const abandon = r();
  if (abandon < 0.04) return steps;
  steps.push({ action: 'start', actor: 'department', delayMs: wait(5, 40) });
  if (abandon < 0.08) return steps;
  steps.push({ action: 'feedback', actor: 'department', delayMs: wait(10, 90), input: { note: '已处置' } });
  if (r() < 0.07) {
    steps.push({ action: 'verify', actor: 'supervisor', delayMs: wait(5, 40), input: { passed: false, note: '核查未通过，返工' } });
    steps.push({ action: 'start', actor: 'department', delayMs: wait(5, 30) });
    steps.push({ action: 'feedback', actor: 'department', delayMs: wait(10, 60), input: { note: '返工完成' } });
  }
  steps.push({ action: 'verify', actor: 'supervisor', delayMs: wait(5, 40), input: { passed: true, note: '核查通过' } });
  steps.push({ action: 'close', actor: 'supervisor', delayMs: wait(3, 20) });
  if (r() < 0.6) steps.push({ action: 'evaluate', actor: 'supervisor', delayMs: wait(10, 120) });
  return steps;
}

/** The rest of the normal path for a case the simulator left open (a restart): from its current state to closed. */
export function resumePlan(r: () => number, state: string): PlannedStep[] {
  const wait = (min: number, max: number) => Math.round((min + r() * (max - min)) * 1000);
  const tail: PlannedStep[] = [
    { action: 'accept', actor: 'command', delayMs: wait(2, 15) },
    { action: 'register', actor: 'command', delayMs: wait(2, 15) },
    { action: 'dispatch', actor: 'command', delayMs: wait(2, 20) },
    { action: 'start', actor: 'department', delayMs: wait(5, 40) },
    { action: 'feedback', actor: 'department', delayMs: wait(10, 90), input: { note: '已处置' } },
    { action: 'verify', actor: 'supervisor', delayMs: wait(5, 40), input: { passed: true, note: '核查通过' } },
    { action: 'close', actor: 'supervisor', delayMs: wait(3, 20) },
  ];
  const from: Record<string, number> = { reported: 0, accepted: 1, registered: 2, dispatched: 3, rework: 3, in_progress: 4, handled: 5, verified: 6 };
  if (state === 'self_handled') return [{ action: 'close', actor: 'supervisor', delayMs: wait(3, 20) }];
  const i = from[state];
  return i === undefined ? [] : tail.slice(i);
}
