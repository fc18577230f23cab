import { area as turfArea } from '@turf/turf';
import type { Polygon } from 'geojson';
import { applyEdit, canEdit, emptyHistory, historyReducer, movedVertex, nextCode, type DraftState } from './draft-edits';

const box = (x0: number, y0: number, x1: number, y1: number): Polygon => ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });
const draft: DraftState = {
  parentCode: 'P1',
  areas: [
    { code: 'P1001', name: '第1网格', geometry: box(118.0, 32.0, 118.01, 32.01) },
    { code: 'P1002', name: '第2网格', geometry: box(118.01, 32.0, 118.02, 32.01) },
    { code: 'P1003', name: '第3网格', geometry: box(118.05, 32.0, 118.06, 32.01) },
  ],
};
const m2 = (g: Polygon | { type: 'MultiPolygon'; coordinates: number[][][][] }) => turfArea({ type: 'Feature', properties: {}, geometry: g });

describe('studio edits (pure)', () => {
  it('splits a grid by a line that crosses it into two that keep its area', () => {
    const line = [[118.005, 31.99], [118.005, 32.02]];
    expect(canEdit(draft, { type: 'split', code: 'P1001', line })).toBeNull();
    const s = applyEdit(draft, { type: 'split', code: 'P1001', line });
    expect(s.areas.map((a) => a.code)).toEqual(['P1001', 'P1002', 'P1003', 'P1004']);
    const [a, b] = [s.areas[0], s.areas[3]];
    expect(m2(a.geometry) + m2(b.geometry)).toBeCloseTo(m2(draft.areas[0].geometry), -1);
    expect(m2(a.geometry)).toBeCloseTo(m2(b.geometry), -2);
    expect(draft.areas).toHaveLength(3); // the old state is untouched
  });

  it('refuses a split line that does not cross the grid, saying why', () => {
    expect(canEdit(draft, { type: 'split', code: 'P1001', line: [[118.005, 31.99], [118.005, 32.005]] })).toBe('lineMustCross');
    expect(canEdit(draft, { type: 'split', code: 'NOPE', line: [[0, 0], [1, 1]] })).toBe('noSuchArea');
    expect(applyEdit(draft, { type: 'split', code: 'P1001', line: [[118.005, 31.99], [118.005, 32.005]] })).toBe(draft);
  });

  it('merges neighbours only', () => {
    expect(canEdit(draft, { type: 'merge', codes: ['P1001', 'P1003'] })).toBe('notNeighbours');
    expect(canEdit(draft, { type: 'merge', codes: ['P1001', 'P1001'] })).toBe('sameArea');
    const s = applyEdit(draft, { type: 'merge', codes: ['P1001', 'P1002'] });
    expect(s.areas.map((a) => a.code)).toEqual(['P1001', 'P1003']);
    expect(s.areas[0].geometry.type).toBe('Polygon');
    expect(m2(s.areas[0].geometry)).toBeCloseTo(m2(draft.areas[0].geometry) + m2(draft.areas[1].geometry), -1);
  });

  it('renames with a valid, free code', () => {
    expect(canEdit(draft, { type: 'rename', code: 'P1001', name: ' ', newCode: 'X' })).toBe('emptyName');
    expect(canEdit(draft, { type: 'rename', code: 'P1001', name: '甲', newCode: 'P1002' })).toBe('codeTaken');
    expect(canEdit(draft, { type: 'rename', code: 'P1001', name: '甲', newCode: 'a b' })).toBe('badCode');
    expect(applyEdit(draft, { type: 'rename', code: 'P1001', name: '甲', newCode: 'P1009' }).areas[0]).toMatchObject({ code: 'P1009', name: '甲' });
    expect(nextCode(draft)).toBe('P1004');
  });

  it('moves a shared vertex in every grid that has it (the border stays shared)', () => {
    const s = applyEdit(draft, { type: 'move-vertex', from: [118.01, 32.01], to: [118.012, 32.01] });
    expect((s.areas[0].geometry as Polygon).coordinates[0][2]).toEqual([118.012, 32.01]);
    expect((s.areas[1].geometry as Polygon).coordinates[0][3]).toEqual([118.012, 32.01]);
    expect(movedVertex(draft.areas[0].geometry, s.areas[0].geometry)).toEqual({ from: [118.01, 32.01], to: [118.012, 32.01] });
  });

  it('undoes and redoes; a new edit clears the redo stack', () => {
    let h = historyReducer(emptyHistory(), { type: 'load', state: draft });
    h = historyReducer(h, { type: 'split', code: 'P1001', line: [[118.005, 31.99], [118.005, 32.02]] });
    expect(h.present.areas).toHaveLength(4);
    h = historyReducer(h, { type: 'undo' });
    expect(h.present).toBe(draft);
    h = historyReducer(h, { type: 'redo' });
    expect(h.present.areas).toHaveLength(4);
    h = historyReducer(h, { type: 'undo' });
    h = historyReducer(h, { type: 'delete', code: 'P1003' });
    expect(h.future).toEqual([]);
    expect(historyReducer(h, { type: 'redo' })).toBe(h);
    // an edit that cannot be done changes nothing and leaves no history entry
    expect(historyReducer(h, { type: 'merge', codes: ['P1001', 'P1003'] })).toBe(h);
  });
});
