import { addWorkingTime, deadlineWarning, onTimeRate, workingTimeBetween } from './working-time';

// Instants written in Asia/Shanghai (+08:00) so they can be checked against a wall calendar.
const sh = (s: string) => new Date(`${s}+08:00`);

describe('working time (Asia/Shanghai, 09:00–12:00 and 13:30–17:30, chinese-days calendar)', () => {
  it('adds hours inside one working day, skipping the lunch break', () => {
    expect(addWorkingTime(sh('2024-03-05T10:00:00'), 4, 'hours')).toEqual(sh('2024-03-05T15:30:00'));
    expect(addWorkingTime(sh('2024-03-05T11:00:00'), 1, 'hours')).toEqual(sh('2024-03-05T12:00:00'));
    expect(addWorkingTime(sh('2024-03-05T11:00:00'), 61, 'minutes')).toEqual(sh('2024-03-05T13:31:00'));
  });

  it('starts counting at the next working period when started at night or at a weekend', () => {
    expect(addWorkingTime(sh('2024-03-05T20:00:00'), 30, 'minutes')).toEqual(sh('2024-03-06T09:30:00'));
    // Saturday 2024-03-09 → Monday 2024-03-11
    expect(addWorkingTime(sh('2024-03-09T10:00:00'), 1, 'hours')).toEqual(sh('2024-03-11T10:00:00'));
  });

  it('skips the National Day holiday and counts the adjusted working Sunday', () => {
    // 2024-10-01..07 is a holiday; Sunday 2024-09-29 and Saturday 2024-10-12 are working days (调休).
    expect(addWorkingTime(sh('2024-09-29T16:30:00'), 2, 'hours')).toEqual(sh('2024-09-30T10:00:00'));
    expect(addWorkingTime(sh('2024-09-30T17:00:00'), 1, 'hours')).toEqual(sh('2024-10-08T09:30:00'));
    expect(addWorkingTime(sh('2024-10-11T17:30:00'), 1, 'hours')).toEqual(sh('2024-10-12T10:00:00'));
  });

  it('adds working days as whole 7-hour days (20 working days for illegal construction)', () => {
    expect(addWorkingTime(sh('2024-03-04T10:00:00'), 1, 'days')).toEqual(sh('2024-03-05T10:00:00'));
    // 2024-03-04 (Mon) + 20 working days, no holidays in between → 2024-04-01 (Mon)
    expect(addWorkingTime(sh('2024-03-04T10:00:00'), 20, 'days')).toEqual(sh('2024-04-01T10:00:00'));
  });

  it('measures working minutes between instants and inverts addWorkingTime', () => {
    expect(workingTimeBetween(sh('2024-03-05T10:00:00'), sh('2024-03-05T15:30:00'))).toBe(240);
    expect(workingTimeBetween(sh('2024-03-08T17:00:00'), sh('2024-03-11T09:30:00'))).toBe(60);
    expect(workingTimeBetween(sh('2024-03-08T17:00:00'), sh('2024-03-08T16:00:00'))).toBe(0);
    const start = sh('2024-09-27T11:17:00');
    for (const minutes of [1, 59, 420, 1000, 5000]) {
      expect(workingTimeBetween(start, addWorkingTime(start, minutes, 'minutes'))).toBeCloseTo(minutes, 6);
    }
  });

  it('rejects a negative amount', () => {
    expect(() => addWorkingTime(new Date(), -1, 'hours')).toThrow(RangeError);
  });

  it('turns yellow at the warning point and red after the deadline', () => {
    const warn = sh('2024-03-05T14:00:00');
    const due = sh('2024-03-05T15:00:00');
    expect(deadlineWarning(sh('2024-03-05T13:59:00'), warn, due)).toBe('none');
    expect(deadlineWarning(sh('2024-03-05T14:00:00'), warn, due)).toBe('yellow');
    expect(deadlineWarning(sh('2024-03-05T15:00:01'), warn, due)).toBe('red');
    expect(deadlineWarning(sh('2024-03-05T15:00:01'), null, null)).toBe('none');
  });

  it('counts open cases already overdue as late in the on-time rate', () => {
    expect(onTimeRate({ onTime: 8, late: 0, openOverdue: 0 })).toBe(1);
    expect(onTimeRate({ onTime: 8, late: 0, openOverdue: 2 })).toBe(0.8);
    expect(onTimeRate({ onTime: 6, late: 2, openOverdue: 2 })).toBe(0.6);
    expect(onTimeRate({ onTime: 0, late: 0, openOverdue: 0 })).toBeNull();
  });
});
