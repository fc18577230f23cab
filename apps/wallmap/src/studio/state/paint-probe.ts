/**
 * How long the studio takes to show a topology answer: the screen marks when the answer arrived,
 * the map marks the first frame drawn after it took the findings. Milliseconds, read by
 * bench/studio-validation.bench.ts from `window.__studio.paints` (a measurement, not a test).
 */
export const paintProbe = {
  answeredAt: 0,
  paints: [] as number[],
  answered(): void {
    this.answeredAt = performance.now();
  },
  drawn(): void {
    if (!this.answeredAt) return;
    this.paints.push(performance.now() - this.answeredAt);
    if (this.paints.length > 1000) this.paints.shift();
    this.answeredAt = 0;
  },
};
