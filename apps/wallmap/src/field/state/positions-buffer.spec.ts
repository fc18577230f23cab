import { addFix, batches, type Fix } from './positions-buffer';

const fix = (i: number): Fix => ({ at: new Date(1_000_000 + i * 1000).toISOString(), lon: 118 + i / 1000, lat: 32, accuracy: 5 });

describe('patrol position buffer', () => {
  it('drops an exact repeat of the last fix and keeps moves', () => {
    let b: Fix[] = [];
    b = addFix(b, fix(1));
    b = addFix(b, fix(1));
    b = addFix(b, fix(2));
    expect(b).toEqual([fix(1), fix(2)]);
  });
  it('cuts batches of at most 500', () => {
    const b = Array.from({ length: 1201 }, (_, i) => fix(i));
    expect(batches(b).map((x) => x.length)).toEqual([500, 500, 201]);
    expect(batches([])).toEqual([]);
  });
});
