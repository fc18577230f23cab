import { encodeAreasTile, tileBounds } from './mvt-encode';

describe('tileBounds', () => {
  it('matches ST_TileEnvelope for z0 and z1', () => {
    expect(tileBounds(0, 0, 0)).toEqual({ minX: -20037508.342789244, maxY: 20037508.342789244, span: 40075016.68557849 });
    expect(tileBounds(1, 1, 1).minX).toBe(0);
    expect(tileBounds(1, 1, 1).maxY).toBe(0);
  });
});

describe('encodeAreasTile', () => {
  it('encodes polygons, skipping degenerate ones', () => {
    const { span } = tileBounds(1, 1, 1);
    const sq = (a: number, b: number) => [
      [
        [a, -a],
        [b, -a],
        [b, -b],
        [a, -b],
        [a, -a],
      ],
    ];
    const rows = [
      { code: 'A', name: 'a', level: 'grid', parent_code: null, geom: { type: 'Polygon', coordinates: sq(0, span / 2) } },
      { code: 'B', name: 'b', level: 'grid', parent_code: 'A', geom: { type: 'Polygon', coordinates: sq(0, 1) } },
    ];
    const tile = encodeAreasTile(rows, 1, 1, 1);
    expect(tile.length).toBeGreaterThan(10);
    expect(tile.includes(Buffer.from('areas'))).toBe(true);
    expect(tile.includes(Buffer.from('parent_code'))).toBe(true);
    expect(encodeAreasTile([rows[1]], 1, 1, 1)).toEqual(encodeAreasTile([], 1, 1, 1));
  });
});
