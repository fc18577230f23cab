/** The lon/lat box of any GeoJSON geometry's coordinates (nested arrays of positions). */
export function bboxOf(coords: unknown): [number, number, number, number] | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const walk = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      minX = Math.min(minX, c[0]);
      maxX = Math.max(maxX, c[0]);
      minY = Math.min(minY, c[1]);
      maxY = Math.max(maxY, c[1]);
      return;
    }
    for (const x of c) walk(x);
  };
  walk(coords);
  return Number.isFinite(minX) ? [minX, minY, maxX, maxY] : null;
}
