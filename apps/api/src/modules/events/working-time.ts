import { isWorkday } from 'chinese-days';

/**
 * Working time for time limits (办结时限).
 *
 * - Calendar: `chinese-days` (weekends, statutory public holidays and the adjusted
 *   working weekends 调休), decided on the Asia/Shanghai date.
 * - Working hours, Asia/Shanghai (UTC+8, no daylight saving): 09:00–12:00 and 13:30–17:30,
 *   so a working day is 7 working hours = 420 working minutes.
 * - Units: `minutes`, `hours` (60 working minutes) and `days` (one full working day =
 *   420 working minutes, so "20 working days" from 10:00 ends at 10:00 twenty working days later).
 * A start outside working hours begins counting at the next working period.
 */
export type WorkingUnit = 'minutes' | 'hours' | 'days';

export const WORKING_DAY_MINUTES = 420;
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const PERIODS: [number, number][] = [
  [9 * 60, 12 * 60],
  [13 * 60 + 30, 17 * 60 + 30],
];
const DAY_MS = 86400_000;
const MAX_DAYS = 3660; // ten years: a guard against runaway loops, never reached by real limits

export function toWorkingMinutes(amount: number, unit: WorkingUnit): number {
  return unit === 'minutes' ? amount : unit === 'hours' ? amount * 60 : amount * WORKING_DAY_MINUTES;
}

/** Midnight (as a UTC instant) of the Shanghai calendar day containing `t`, and that date as YYYY-MM-DD. */
function shanghaiDay(t: number): { midnight: number; date: string } {
  const local = t + SHANGHAI_OFFSET_MS;
  const localMidnight = Math.floor(local / DAY_MS) * DAY_MS;
  return { midnight: localMidnight - SHANGHAI_OFFSET_MS, date: new Date(localMidnight).toISOString().slice(0, 10) };
}

/**
 * `isWorkday` per date, remembered: the calendar a process runs with does not change, and each
 * deadline asks about the same few days again (~5 µs a call in chinese-days, one call per day a
 * limit spans: 28 calls for a 20-working-day limit).
 */
const workdays = new Map<string, boolean>();
function workday(date: string): boolean {
  let known = workdays.get(date);
  if (known === undefined) {
    if (workdays.size >= 4096) workdays.clear();
    known = isWorkday(date);
    workdays.set(date, known);
  }
  return known;
}

/** The working periods (UTC instants) of the Shanghai day starting at `midnight`; none on a rest day. */
function periodsOf(midnight: number, date: string): [number, number][] {
  if (!workday(date)) return [];
  return PERIODS.map(([s, e]) => [midnight + s * 60_000, midnight + e * 60_000]);
}

/** The instant `amount` working units after `start`. */
export function addWorkingTime(start: Date, amount: number, unit: WorkingUnit): Date {
  let remaining = toWorkingMinutes(amount, unit) * 60_000;
  if (!(remaining >= 0) || !Number.isFinite(remaining)) throw new RangeError('amount must be a finite number ≥ 0');
  let t = start.getTime();
  let { midnight, date } = shanghaiDay(t);
  for (let i = 0; i < MAX_DAYS; i++) {
    for (const [s, e] of periodsOf(midnight, date)) {
      if (e <= t) continue;
      const from = Math.max(s, t);
      if (remaining <= e - from) return new Date(from + remaining);
      remaining -= e - from;
      t = e;
    }
    midnight += DAY_MS;
    date = new Date(midnight + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
    t = Math.max(t, midnight);
  }
  throw new RangeError('working time beyond ten years');
}

/** Working minutes between two instants (0 when `to` is not after `from`). */
export function workingTimeBetween(from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (!(b > a)) return 0;
  let total = 0;
  let { midnight, date } = shanghaiDay(a);
  for (let i = 0; i < MAX_DAYS * 3 && midnight < b; i++) {
    for (const [s, e] of periodsOf(midnight, date)) {
      const lo = Math.max(s, a);
      const hi = Math.min(e, b);
      if (hi > lo) total += hi - lo;
    }
    midnight += DAY_MS;
    date = new Date(midnight + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
  }
  return total / 60_000;
}

export type Warning = 'none' | 'yellow' | 'red';

/** Yellow from `warnAt` (80% of the stage limit), red once the deadline has passed. */
export function deadlineWarning(now: Date, warnAt: Date | null, dueAt: Date | null): Warning {
  if (!dueAt) return 'none';
  if (now.getTime() > dueAt.getTime()) return 'red';
  if (warnAt && now.getTime() >= warnAt.getTime()) return 'yellow';
  return 'none';
}

/**
 * On-time rate that does not hide the backlog: cases still open and already past their
 * deadline count as late, next to those finished late. null when nothing is due yet.
 */
export function onTimeRate(c: { onTime: number; late: number; openOverdue: number }): number | null {
  const due = c.onTime + c.late + c.openOverdue;
  return due === 0 ? null : c.onTime / due;
}
