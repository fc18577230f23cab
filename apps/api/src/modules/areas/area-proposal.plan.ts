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
}

export const ANGLES = Array.from({ length: 12 }, (_, i) => i * 15);

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
 * The best cut at one angle: units sorted along the direction; a split after the j-th unit is
 * allowed only when no unit's members straddle it (so a compound stays whole). Households decide
 * first, the filler points (area) break ties so that sides also get a fair share of ground.
 */
export function bestCutAt(units: Unit[], share: number, angle: number, lat0: number): Cut | null {
  const proj = projector(lat0).along(angle);
  const rows = units
    .map((u) => {
      const ps = u.members.map(proj);
      return { u, rep: proj(u.rep), lo: Math.min(...ps, proj(u.rep)), hi: Math.max(...ps, proj(u.rep)) };
    })
    .sort((a, b) => a.rep - b.rep);
  const W = rows.reduce((s, r) => s + r.u.w, 0);
  const A = rows.reduce((s, r) => s + r.u.a, 0);
  // suffix minimum of lo: the lowest point of everything after j
  const sufLo = new Array<number>(rows.length + 1).fill(Infinity);
  for (let i = rows.length - 1; i >= 0; i--) sufLo[i] = Math.min(sufLo[i + 1], rows[i].lo);
  let best: Cut | null = null;
  let bestScore = Infinity;
  let w = 0;
  let a = 0;
  let maxHi = -Infinity;
  for (let j = 0; j < rows.length - 1; j++) {
    w += rows[j].u.w;
    a += rows[j].u.a;
    maxHi = Math.max(maxHi, rows[j].hi);
    if (!(maxHi < sufLo[j + 1])) continue;
    const ew = W > 0 ? Math.abs(w / W - share) : 0;
    const ea = A > 0 ? Math.abs(a / A - share) : 0;
    const score = W > 0 ? ew + 0.25 * ea : ea;
    if (score < bestScore) {
      bestScore = score;
      best = { angle, c: (maxHi + sufLo[j + 1]) / 2, low: rows.slice(0, j + 1).map((r) => r.u.id), error: ew };
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
