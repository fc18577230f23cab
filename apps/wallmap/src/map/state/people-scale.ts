import type { ExpressionSpecification } from 'maplibre-gl';

/**
 * Colour stops for people per grid from the data itself (the 10th, 50th and 95th percentiles),
 * so a demo city with a few dozen residents per grid and a real one with thousands both show
 * contrast. Strictly increasing, as `interpolate` requires.
 */
export function peopleStops(counts: Record<string, number>): [number, number, number] {
  const v = Object.values(counts)
    .filter((n) => Number.isFinite(n) && n > 0)
    .sort((a, b) => a - b);
  // above the fill's own 0 stop: [0, 1, 2] gave `interpolate` the input 0 twice, which MapLibre rejects
  if (!v.length) return [1, 2, 3];
  const at = (q: number) => v[Math.min(v.length - 1, Math.floor(q * v.length))];
  const low = at(0.1);
  const mid = Math.max(at(0.5), low + 1);
  const high = Math.max(at(0.95), mid + 1);
  return [low, mid, high];
}

/** The fill colour of the people layer for those stops (grids without a count stay dark). */
export function peopleFill([low, mid, high]: [number, number, number]): ExpressionSpecification {
  return ['interpolate', ['linear'], ['coalesce', ['feature-state', 'people'], 0], 0, '#0b1a2b', low, '#1d4470', mid, '#3f86c9', high, '#a8e1ff'];
}
