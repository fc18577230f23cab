import type { MapOptions } from 'maplibre-gl';

/**
 * The map options the wall runs with, shared with the render bench so it measures the same map.
 * `preserveDrawingBuffer` keeps the last frame readable (the browser tests sample its pixels).
 * No label fade: on a wall that changes all day, a fade is only more frames to draw after every
 * tile and every batch.
 */
export const WALL_MAP_OPTIONS = {
  attributionControl: false,
  fadeDuration: 0,
  localIdeographFontFamily: '"Noto Sans SC", "Noto Sans CJK SC", sans-serif',
  canvasContextAttributes: { preserveDrawingBuffer: true },
} satisfies Partial<MapOptions>;
