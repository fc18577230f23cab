import { checkFormula, evaluate, versionsFor, zeroMeasures, type IndicatorFormula } from './supervision-formulas';

const f = (code: string, version: number, effectiveFrom: string, formula: IndicatorFormula['formula']): IndicatorFormula => ({
  code,
  version,
  effectiveFrom,
  name: code,
  nameEn: code,
  unit: 'ratio',
  formula,
});

describe('indicator formulas as data', () => {
  it('picks the version in force on the first day of the period', () => {
    const all = [f('closure_rate', 1, '2000-01-01', { num: ['closed'], den: ['reported'] }), f('closure_rate', 2, '2026-12-01', { num: ['closed'], den: ['registered'] })];
    expect(versionsFor(all, '2026-11-01').map((x) => x.version)).toEqual([1]);
    expect(versionsFor(all, '2026-11-30').map((x) => x.version)).toEqual([1]); // a period that began before v2 keeps v1
    expect(versionsFor(all, '2026-12-01').map((x) => x.version)).toEqual([2]);
    expect(versionsFor(all, '1999-12-31')).toEqual([]);
  });

  it('evaluates counts, ratios with several denominators, scales, and nothing to rate as null', () => {
    const m = { ...zeroMeasures(), handled_on_time: 2, handled_late: 1, open_overdue: 1, handle_minutes: 630, handle_n: 3 };
    expect(evaluate(f('x', 1, '2000-01-01', { num: ['handled_on_time'], den: ['handled_on_time', 'handled_late', 'open_overdue'] }), m)).toBe(0.5);
    expect(evaluate(f('x', 1, '2000-01-01', { num: ['handle_minutes'], den: ['handle_n'], scale: 1 / 60 }), m)).toBe(3.5);
    expect(evaluate(f('x', 1, '2000-01-01', { num: ['open_overdue'] }), m)).toBe(1);
    expect(evaluate(f('x', 1, '2000-01-01', { num: ['closed'], den: ['reported'] }), m)).toBeNull();
  });

  it('refuses a formula naming a measure that does not exist', () => {
    expect(() => checkFormula(f('bad', 3, '2000-01-01', { num: ['closd'] }))).toThrow('bad v3 names an unknown measure "closd"');
  });
});
