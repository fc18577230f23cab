/**
 * How long the studio takes to show a topology answer: the screen marks when the answer arrived;
 * the validation panel marks when its DOM holds it and the map when a frame with the findings is
 * drawn. A sample is the later of the two. Milliseconds, read by bench/studio-validation.bench.ts
 * from `window.__studio.paints` (a measurement, not a test).
 */
export const paintProbe = {
  answeredAt: 0,
  panelAt: 0,
  mapAt: 0,
  paints: [] as number[],
  /** each sample's halves: [panel, map] ms after the answer */
  parts: [] as [number, number][],
  answered(): void {
    this.answeredAt = performance.now();
    this.panelAt = 0;
    this.mapAt = 0;
  },
  panelShown(): void {
    if (this.answeredAt && !this.panelAt) this.panelAt = performance.now();
    this.done();
  },
  mapDrawn(): void {
    if (this.answeredAt && !this.mapAt) this.mapAt = performance.now();
    this.done();
  },
  done(): void {
    if (!this.answeredAt || !this.panelAt || !this.mapAt) return;
    this.paints.push(Math.max(this.panelAt, this.mapAt) - this.answeredAt);
    this.parts.push([this.panelAt - this.answeredAt, this.mapAt - this.answeredAt]);
    if (this.paints.length > 1000) {
      this.paints.shift();
      this.parts.shift();
    }
    this.answeredAt = 0;
  },
};
