import type { MapOptions } from 'maplibre-gl';

/**
 * The map options the wall runs with, shared with the render bench so it measures the same map.
 * `preserveDrawingBuffer` keeps the last frame readable (the browser tests sample its pixels).
 */
export const WALL_MAP_OPTIONS = {
  attributionControl: false,
  localIdeographFontFamily: '"Noto Sans SC", "Noto Sans CJK SC", sans-serif',
  canvasContextAttributes: { preserveDrawingBuffer: true },
} satisfies Partial<MapOptions>;
