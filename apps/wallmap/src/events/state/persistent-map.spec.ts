import fc from 'fast-check';
import { HISTORY, PersistentMap } from './persistent-map';

describe('PersistentMap', () => {
  it('behaves as a Map and leaves older versions as they were', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000_000 }), fc.option(fc.string(), { nil: undefined })), { maxLength: 30 }), { maxLength: 12 }), (batches) => {
        let m = PersistentMap.empty<number, string>();
        const model = new Map<number, string>();
        const versions: [PersistentMap<number, string>, Map<number, string>][] = [];
        for (const batch of batches) {
          versions.push([m, new Map(model)]);
          m = m.with(batch);
          for (const [k, v] of batch) {
            if (v === undefined) model.delete(k);
            else model.set(k, v);
          }
          expect(m.size).toBe(model.size);
          expect(new Map(m.entries())).toEqual(model);
        }
        for (const [old, snapshot] of versions) expect(new Map(old.entries())).toEqual(snapshot);
      }),
    );
  });

  it('names the keys changed since an older version, or null when it cannot tell', () => {
    const a = PersistentMap.from<string, number>([
      ['x', 1],
      ['y', 2],
    ]);
    const b = a.with([['x', 3]]);
    const c = b.with([
      ['z', 4],
      ['y', undefined],
    ]);
    expect(c.changedSince(c)).toEqual([]);
    expect(c.changedSince(b)?.sort()).toEqual(['y', 'z']);
    expect(c.changedSince(a)?.sort()).toEqual(['x', 'y', 'z']);
    // another lineage with the same content is not an ancestor
    expect(
      c.changedSince(
        PersistentMap.from<string, number>([
          ['x', 1],
          ['y', 2],
        ]),
      ),
    ).toBeNull();
    // nothing to apply (deleting a missing key) gives the same version
    expect(c.with([['nope', undefined]])).toBe(c);
    let far = c;
    for (let i = 0; i < HISTORY; i++) far = far.with([['k', i]]);
    expect(far.changedSince(c)).toEqual(['k']);
    far = far.with([['k', -1]]);
    expect(far.changedSince(c)).toBeNull();
    expect(far.changedSince(far.with([]))).toEqual([]);
  });
});
