import { initialWallState, wallReducer, type WallAction, type WallState } from './wall-state';

const run = (actions: WallAction[], from: WallState = initialWallState()) => actions.reduce(wallReducer, from);

describe('wall state', () => {
  it('keeps the intake form mounted while a case is looked at, and drops it with its pick when a case is opened from it', () => {
    let s = run([{ type: 'intake-open' }, { type: 'pick', at: [118.8, 32.0] }, { type: 'select-case', id: 7, center: [118.7, 32.1] }]);
    expect([s.intake, s.intakeShown, s.selected, s.pick]).toEqual([true, false, 7, [118.8, 32.0]]);
    expect(s.flyTo).toMatchObject({ center: [118.7, 32.1] });
    s = run([{ type: 'intake-open' }, { type: 'intake-done' }], s);
    expect([s.intake, s.pick]).toEqual([false, null]);
  });

  it('placing a case starts with no pick; a case without a point is selected without flying', () => {
    const s = run([
      { type: 'pick', at: [1, 2] },
      { type: 'placing', on: true },
      { type: 'select-case', id: 3, center: null },
    ]);
    expect([s.placing, s.pick, s.selected, s.flyTo]).toEqual([true, null, 3, null]);
  });

  it('a live batch bumps the summons board and the grids only when it carries such changes (same state otherwise)', () => {
    const s0 = initialWallState();
    expect(wallReducer(s0, { type: 'live', summonsChanged: false, areasRedrawn: false })).toBe(s0);
    const s = run(
      [
        { type: 'live', summonsChanged: true, areasRedrawn: false },
        { type: 'live', summonsChanged: true, areasRedrawn: true },
      ],
      s0,
    );
    expect([s.summonsTick, s.areasKey]).toEqual([2, 1]);
  });

  it('keeps the last three distinct problems, newest first; closing a worker drops its track', () => {
    let s = run(['a', 'b', 'a', 'c', 'd'].map((message) => ({ type: 'error', message }) as WallAction));
    expect(s.errors).toEqual(['d', 'c', 'a']);
    s = run(
      [
        { type: 'worker', id: 4 },
        { type: 'track', track: { type: 'Point', coordinates: [1, 2] } },
        { type: 'worker', id: 5 },
      ],
      s,
    );
    expect([s.worker, s.track]).toEqual([5, { type: 'Point', coordinates: [1, 2] }]);
    s = wallReducer(s, { type: 'worker-close' });
    expect([s.worker, s.track]).toEqual([null, null]);
  });
});
