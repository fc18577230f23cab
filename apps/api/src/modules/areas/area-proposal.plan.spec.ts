import { bestCutAt, halfPlane, projector, type Unit } from './area-proposal.plan';

const unit = (id: string, lon: number, lat: number, w: number, members: [number, number][] = []): Unit => ({ id, w, a: 0, rep: [lon, lat], members });

describe('proposal planning: a cut that balances households without cutting a compound', () => {
  it('splits evenly along x at angle 0', () => {
    const units = [unit('a', 118.0, 32, 2), unit('b', 118.001, 32, 2), unit('c', 118.002, 32, 2), unit('d', 118.003, 32, 2)];
    const cut = bestCutAt(units, 0.5, 0, 32)!;
    expect(cut.low.sort()).toEqual(['a', 'b']);
    expect(cut.error).toBe(0);
    const p = projector(32).along(0);
    expect(cut.c).toBeGreaterThan(p([118.001, 32]));
    expect(cut.c).toBeLessThan(p([118.002, 32]));
  });

  it('prefers a cut that leaves compounds whole, and says how many it cuts when it must', () => {
    const p = projector(32).along(0);
    // clean: c's building lies on c's side, and the even split a,b | c,d is clean
    const clean = [unit('a', 118.0, 32, 3), unit('b', 118.001, 32, 3), unit('c', 118.002, 32, 3, [[118.0022, 32]]), unit('d', 118.003, 32, 3)];
    const c1 = bestCutAt(clean, 0.5, 0, 32)!;
    expect(c1).toMatchObject({ straddles: 0, error: 0 });
    for (const u of clean) for (const x of [u.rep, ...u.members].map(p)) expect(c1.low.includes(u.id) ? x < c1.c : x > c1.c).toBe(true);
    // b's building reaches past c: the only even split cuts b, a clean one would leave 3 against 9
    const dense = [unit('a', 118.0, 32, 3), unit('b', 118.001, 32, 3, [[118.0025, 32]]), unit('c', 118.002, 32, 3), unit('d', 118.003, 32, 3)];
    const c2 = bestCutAt(dense, 0.5, 0, 32)!;
    expect(c2).toMatchObject({ straddles: 1, error: 0 });
  });

  it('makes a half-plane polygon holding exactly the low side', () => {
    const units = [unit('a', 118.0, 32.0, 1), unit('b', 118.01, 32.01, 1)];
    const cut = bestCutAt(units, 0.5, 45, 32)!;
    const hp = halfPlane(cut, [118.005, 32.005]);
    const ring = hp.coordinates[0];
    const inside = ([x, y]: [number, number]) => {
      let c = false;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
      }
      return c;
    };
    expect(cut.low).toEqual(['a']);
    expect(inside([118.0, 32.0])).toBe(true);
    expect(inside([118.01, 32.01])).toBe(false);
  });

  it('gives no cut when there is nothing to split', () => {
    expect(bestCutAt([unit('a', 118, 32, 1)], 0.5, 0, 32)).toBeNull();
  });
});
