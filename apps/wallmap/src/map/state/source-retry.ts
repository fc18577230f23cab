import type { Map as MapLibreMap, VectorTileSource } from 'maplibre-gl';
import { reportTrouble, troubleOf } from '../../auth/api/http';

/** Delays before reloading a vector source after its tiles.json or a tile failed (ms; the last repeats). */
export const SOURCE_RETRY_MS = [1000, 2000, 4000, 8000, 15000, 30000];

/**
 * MapLibre does not request a failed tiles.json or tile again: the grids stayed missing until a
 * reload of the page. This reloads the source (its tiles.json, then its tiles) with back-off
 * while it fails, and tells the screens what is wrong meanwhile (apiTrouble); a load without
 * errors resets the back-off and clears the message.
 */
export class SourceRetry {
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failedSince = 0;

  constructor(
    private readonly map: MapLibreMap,
    private readonly sourceId: string,
  ) {
    map.on('sourcedata', (e) => {
      if (e.sourceId !== this.sourceId || !this.attempt || this.timer || !this.map.isSourceLoaded(this.sourceId)) return;
      // loaded again, and no error since this reload went out
      if (Date.now() - this.failedSince > 500) this.reset();
    });
  }

  /** The source failed (HTTP status, or null: no answer): reload it after the next delay. */
  failed(status: number | null): void {
    this.failedSince = Date.now();
    if (this.timer) return;
    const base = SOURCE_RETRY_MS[Math.min(this.attempt, SOURCE_RETRY_MS.length - 1)];
    const wait = Math.round(base * (0.75 + Math.random() * 0.5));
    this.attempt++;
    reportTrouble(troubleOf(status, Date.now() + wait));
    this.timer = setTimeout(() => {
      this.timer = null;
      const src = this.map.getSource(this.sourceId) as VectorTileSource | undefined;
      if (src?.url) src.setUrl(src.url);
      else if (src) void src.load();
    }, wait);
  }

  private reset(): void {
    this.attempt = 0;
    reportTrouble(null);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
