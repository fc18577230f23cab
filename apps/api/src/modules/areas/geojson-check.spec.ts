import { asCode, checkPolygonal, featureProblem } from './geojson-check';

describe('checkPolygonal', () => {
  const ring = [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 0],
  ];
  it('accepts Polygon and MultiPolygon, dropping heights', () => {
    expect(checkPolygonal({ type: 'Polygon', coordinates: [ring] })).toEqual({ ok: true, polygons: [[ring]] });
    const withZ = checkPolygonal({ type: 'MultiPolygon', coordinates: [[ring.map(([x, y]) => [x, y, 9])]] });
    expect(withZ).toEqual({ ok: true, polygons: [[ring]] });
  });
  it.each([
    [null, /missing/],
    [{ type: 'LineString', coordinates: ring }, /wrong geometry type LineString/],
    [{ type: 'Polygon', coordinates: [] }, /empty/],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [0, 0],
          ],
        ],
      },
      /too short/,
    ],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      },
      /not closed/,
    ],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [null, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      /not a finite number/,
    ],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [0, 91],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      /out of range/,
    ],
  ])('rejects %j', (g, reason) => {
    const r = checkPolygonal(g);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });
  it('reads codes from numbers and plain strings only', () => {
    expect(asCode(101)).toBe('101');
    expect(asCode(' 320104 ')).toBe('320104');
    expect(asCode('a.b')).toBeNull();
    expect(asCode(undefined)).toBeNull();
  });
});

describe('featureProblem', () => {
  it('accepts Features with object, null or absent properties and names what else is wrong', () => {
    expect(featureProblem({ type: 'Feature', properties: { a: 1 }, geometry: null })).toBeNull();
    expect(featureProblem({ type: 'Feature', properties: null })).toBeNull();
    expect(featureProblem({ type: 'Feature' })).toBeNull();
    expect(featureProblem({ type: 'Point', coordinates: [0, 0] })).toMatch(/expected "Feature"/);
    expect(featureProblem([1])).toMatch(/not a GeoJSON Feature/);
    expect(featureProblem({ type: 'Feature', properties: [1] })).toMatch(/properties is not an object/);
  });
});
