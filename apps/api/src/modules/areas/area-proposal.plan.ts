/**
 * Pure planning of one bisection step of a grid proposal (no SQL, unit-tested): where a straight
 * cut at a given angle must fall so that one side gets the wanted share of households without
 * cutting a compound (a unit: a compound or building with the places under it), and how to turn
 * that cut into a half-plane polygon that PostGIS intersects with the region.
 *
 * Coordinates are projected to a local metric-like plane (x = lon·cos(lat₀), y = lat) so that
 * angles and compactness are not skewed by the longitude scale.
 */
export interface Unit {
  id: string;
  /** households (the balance weight) */
  w: number;
  /** area proxy: 1 for an evenly spread filler point, 0 for a real unit */
  a: number;
  /** representative point and every member point, lon/lat */
  rep: [number, number];
  members: [number, number][];
}

export interface Cut {
  angle: number;
  /** the cut value along the angle's direction (projected units) */
  c: number;
  /** ids of the units on the low side */
  low: string[];
  /** |share of households on the low side − wanted share| */
  error: number;
  /** compounds whose places lie on both sides of the line (0 unless no clean cut exists at this angle) */
  straddles: number;
}

export const ANGLES = Array.from({ length: 12 }, (_, i) => i * 15);
/** What cutting one compound costs against household balance (a share of all households). */
export const STRADDLE_COST = 0.02;

export const projector = (lat0: number) => {
  const k = Math.cos((lat0 * Math.PI) / 180);
  return {
    along: (angle: number) => {
      const r = (angle * Math.PI) / 180;
      const [cx, sy] = [Math.cos(r), Math.sin(r)];
      return ([lon, lat]: [number, number]) => lon * k * cx + lat * sy;
    },
    k,
  };
};

/**
 * The best cut at one angle: units sorted along the direction by their representative point; a
 * split after the j-th unit is clean when no unit's places straddle it (so a compound stays
 * whole). Clean splits are preferred; where compounds are so dense that no clean split exists at
 * this angle, the one cutting fewest compounds is offered (its `straddles` says how many).
 * Households decide first, the filler points (area) break ties so that sides also get ground.
 */
export function bestCutAt(units: Unit[], share: number, angle: number, lat0: number): Cut | null {
  const proj = projector(lat0).along(angle);
  const rows = units
    .map((u) => {
      const r = proj(u.rep);
      let lo = r;
      let hi = r;
      for (const m of u.members) {
        const p = proj(m);
        if (p < lo) lo = p;
        if (p > hi) hi = p;
      }
      return { u, rep: r, lo, hi };
    })
    .sort((a, b) => a.rep - b.rep);
  const W = rows.reduce((s, r) => s + r.u.w, 0);
  const A = rows.reduce((s, r) => s + r.u.a, 0);
  let best: Cut | null = null;
  let bestScore = Infinity;
  let w = 0;
  let a = 0;
  for (let j = 0; j < rows.length - 1; j++) {
    w += rows[j].u.w;
    a += rows[j].u.a;
    const c = (rows[j].rep + rows[j + 1].rep) / 2;
    if (c === rows[j].rep) continue;
    const ew = W > 0 ? Math.abs(w / W - share) : 0;
    const ea = A > 0 ? Math.abs(a / A - share) : 0;
    const score = W > 0 ? ew + 0.25 * ea : ea;
    // a cheap bound first: counting straddles is linear, so only for splits that could win
    if (score >= bestScore) continue;
    let straddles = 0;
    for (const r of rows) if (r.lo < c && r.hi > c) straddles++;
    // a cut compound costs as much as 2 % of the households out of balance
    const total = score + STRADDLE_COST * straddles;
    if (total < bestScore) {
      bestScore = total;
      best = { angle, c, low: rows.slice(0, j + 1).map((r) => r.u.id), error: ew, straddles };
    }
  }
  return best;
}

/**
 * The low side of a cut as a lon/lat polygon around `center` (the region's centre), reaching
 * `reach` degrees each way along the line and away from it: enough for any community or street.
 */
export function halfPlane(cut: Cut, center: [number, number], reach = 1): { type: 'Polygon'; coordinates: [number, number][][] } {
  const { k } = projector(center[1]);
  const r = (cut.angle * Math.PI) / 180;
  const u: [number, number] = [Math.cos(r), Math.sin(r)];
  const v: [number, number] = [-u[1], u[0]];
  const mid = center[0] * k * v[0] + center[1] * v[1];
  const at = (s: number, q: number): [number, number] => [(cut.c * u[0] + s * v[0] - q * u[0]) / k, cut.c * u[1] + s * v[1] - q * u[1]];
  return { type: 'Polygon', coordinates: [[at(mid - reach, 0), at(mid + reach, 0), at(mid + reach, reach), at(mid - reach, reach), at(mid - reach, 0)]] };
}
