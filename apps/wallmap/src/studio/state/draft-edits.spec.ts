import { area as turfArea } from '@turf/turf';
import type { Polygon } from 'geojson';
import { applyEdit, canEdit, emptyHistory, historyReducer, insertedVertex, movedVertex, nextCode, topologyWhy, withVertexMoved, type DraftState } from './draft-edits';

const box = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});
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
    const line = [
      [118.005, 31.99],
      [118.005, 32.02],
    ];
    expect(canEdit(draft, { type: 'split', code: 'P1001', line })).toBeNull();
    const s = applyEdit(draft, { type: 'split', code: 'P1001', line });
    expect(s.areas.map((a) => a.code)).toEqual(['P1001', 'P1002', 'P1003', 'P1004']);
    const [a, b] = [s.areas[0], s.areas[3]];
    expect(m2(a.geometry) + m2(b.geometry)).toBeCloseTo(m2(draft.areas[0].geometry), -1);
    expect(m2(a.geometry)).toBeCloseTo(m2(b.geometry), -2);
    expect(draft.areas).toHaveLength(3); // the old state is untouched
  });

  it('refuses a split line that does not cross the grid, saying why', () => {
    expect(
      canEdit(draft, {
        type: 'split',
        code: 'P1001',
        line: [
          [118.005, 31.99],
          [118.005, 32.005],
        ],
      }),
    ).toBe('lineMustCross');
    expect(
      canEdit(draft, {
        type: 'split',
        code: 'NOPE',
        line: [
          [0, 0],
          [1, 1],
        ],
      }),
    ).toBe('noSuchArea');
    expect(
      applyEdit(draft, {
        type: 'split',
        code: 'P1001',
        line: [
          [118.005, 31.99],
          [118.005, 32.005],
        ],
      }),
    ).toBe(draft);
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

  it('puts a dragged vertex on the 1e-7° grid, the same point in both grids; the drag preview is the edit', () => {
    // terra-draw hands 9 decimals
    const e = { type: 'move-vertex' as const, from: [118.01, 32.01], to: [118.012345678, 32.010000004] };
    const s = applyEdit(draft, e);
    expect((s.areas[0].geometry as Polygon).coordinates[0][2]).toEqual([118.0123457, 32.01]);
    expect((s.areas[1].geometry as Polygon).coordinates[0][3]).toEqual([118.0123457, 32.01]);
    expect(withVertexMoved(draft, e.from, e.to)).toEqual(s);
    expect(s.areas[2]).toBe(draft.areas[2]);
  });

  it('undoes and redoes; a new edit clears the redo stack', () => {
    let h = historyReducer(emptyHistory(), { type: 'load', state: draft });
    h = historyReducer(h, {
      type: 'split',
      code: 'P1001',
      line: [
        [118.005, 31.99],
        [118.005, 32.02],
      ],
    });
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

  describe('topological editing inside a parent (2 × 2 grids tiling it)', () => {
    const x0 = 118.0;
    const y0 = 32.0;
    const d = 0.01;
    const quad: DraftState = {
      parentCode: 'Q',
      parent: box(x0, y0, x0 + 2 * d, y0 + 2 * d),
      areas: [
        { code: 'Q001', name: '西南', geometry: box(x0, y0, x0 + d, y0 + d) },
        { code: 'Q002', name: '东南', geometry: box(x0 + d, y0, x0 + 2 * d, y0 + d) },
        { code: 'Q003', name: '西北', geometry: box(x0, y0 + d, x0 + d, y0 + 2 * d) },
        { code: 'Q004', name: '东北', geometry: box(x0 + d, y0 + d, x0 + 2 * d, y0 + 2 * d) },
      ],
    };
    const total = (st: DraftState) => st.areas.reduce((sum, a) => sum + m2(a.geometry), 0);
    const has = (g: Polygon | { type: 'MultiPolygon'; coordinates: number[][][][] }, p: number[]) => (g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates.flat(2)).some((q) => q[0] === p[0] && q[1] === p[1]);

    it('moves the vertex the four grids share for all four: no gap, no overlap', () => {
      const e = { type: 'move-vertex' as const, from: [x0 + d, y0 + d], to: [x0 + 1.3 * d, y0 + 0.8 * d] };
      expect(canEdit(quad, e)).toBeNull();
      const s = applyEdit(quad, e);
      for (const a of s.areas) expect(has(a.geometry, e.to)).toBe(true);
      expect(topologyWhy(quad, s)).toBeNull();
      expect(total(s)).toBeCloseTo(total(quad), 0);
      expect(m2(s.areas[0].geometry)).toBeGreaterThan(m2(quad.areas[0].geometry) * 1.04);
    });

    it('keeps a vertex of the parent outline on it (snaps), for both grids that have it', () => {
      const s = applyEdit(quad, { type: 'move-vertex', from: [x0 + d, y0], to: [x0 + 1.2 * d, y0 - 0.001] });
      const at = (s.areas[0].geometry as Polygon).coordinates[0][1];
      expect(at[1]).toBe(y0);
      expect(at[0]).toBeCloseTo(x0 + 1.2 * d, 9);
      expect(has(s.areas[0].geometry, at)).toBe(true);
      expect(has(s.areas[1].geometry, at)).toBe(true);
      expect(total(s)).toBeCloseTo(total(quad), 0);
    });

    it("puts a vertex inserted on a shared edge into the neighbour's edge too, and dragging it moves both", () => {
      const mid = [x0 + d, y0 + 0.5 * d];
      const ins = { type: 'insert-vertex' as const, a: [x0 + d, y0], b: [x0 + d, y0 + d], at: mid };
      expect(canEdit(quad, ins)).toBeNull();
      const s1 = applyEdit(quad, ins);
      expect(has(s1.areas[0].geometry, mid) && has(s1.areas[1].geometry, mid)).toBe(true);
      expect(has(s1.areas[2].geometry, mid)).toBe(false);
      expect(s1.areas[2]).toBe(quad.areas[2]); // untouched grids are the same objects
      const s2 = applyEdit(s1, { type: 'move-vertex', from: mid, to: [x0 + 1.4 * d, y0 + 0.5 * d] });
      expect(topologyWhy(s1, s2)).toBeNull();
      expect(total(s2)).toBeCloseTo(total(quad), 0);
      expect(m2(s2.areas[0].geometry) - m2(quad.areas[0].geometry)).toBeGreaterThan(m2(quad.areas[0].geometry) * 0.15);
      // an edge nobody has
      expect(canEdit(quad, { type: 'insert-vertex', a: [0, 0], b: [1, 1], at: [0.5, 0.5] })).toBe('noSuchEdge');
      // the screen finds the inserted vertex from terra-draw's geometry
      expect(insertedVertex(quad.areas[0].geometry, s1.areas[0].geometry)).toEqual({ a: [x0 + d, y0], b: [x0 + d, y0 + d], at: mid });
      expect(insertedVertex(quad.areas[0].geometry, quad.areas[0].geometry)).toBeNull();
    });

    it('refuses, saying why, an edit that would overlap, leave a gap, leave the parent or tangle a ring', () => {
      // one grid's border moved alone (not the neighbour's): into the neighbour, or away from it
      expect(canEdit(quad, { type: 'reshape', code: 'Q001', geometry: box(x0, y0, x0 + 1.3 * d, y0 + d) })).toBe('wouldOverlap');
      expect(canEdit(quad, { type: 'reshape', code: 'Q001', geometry: box(x0, y0, x0 + 0.7 * d, y0 + d) })).toBe('wouldLeaveGap');
      expect(canEdit(quad, { type: 'reshape', code: 'Q001', geometry: box(x0 - 0.3 * d, y0, x0 + d, y0 + d) })).toBe('outsideParent');
      const bow: Polygon = {
        type: 'Polygon',
        coordinates: [
          [
            [x0, y0],
            [x0 + d, y0 + d],
            [x0 + d, y0],
            [x0, y0 + d],
            [x0, y0],
          ],
        ],
      };
      expect(canEdit(quad, { type: 'reshape', code: 'Q001', geometry: bow })).toBe('selfIntersects');
      // a corner only one grid has, dragged inwards: a gap at the parent's corner
      expect(canEdit({ ...quad, parent: undefined }, { type: 'move-vertex', from: [x0, y0], to: [x0 + 0.2 * d, y0 + 0.2 * d] })).toBe('wouldLeaveGap');
      expect(canEdit(quad, { type: 'move-vertex', from: [5, 5], to: [6, 6] })).toBe('noSuchVertex');
      // refused edits leave no history entry
      const h = historyReducer(emptyHistory(), { type: 'load', state: quad });
      expect(historyReducer(h, { type: 'reshape', code: 'Q001', geometry: box(x0, y0, x0 + 1.3 * d, y0 + d) })).toBe(h);
    });
  });
});
