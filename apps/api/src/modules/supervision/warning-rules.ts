/**
 * The early-warning rules (预警规则) as pure decisions over counts the repository reads from the
 * daily facts; unit-tested in warning-rules.spec.ts. Every warning carries the figures and the
 * thresholds that raised it.
 */

/** A warning the evaluation found: kind, subject (with its period), where, whose, and the figures. */
export interface Candidate {
  kind: 'spike' | 'repeat_place' | 'overdue' | 'report_in_drop';
  subject: string;
  areaPath: string | null;
  departmentId: number | null;
  figures: Record<string, unknown>;
}

export interface WarningRules {
  /**
   * spike: today's cases of a category in a district or street ≥ `spikeFactor` × what the area's
   * own mix predicts (see spikeCandidates), ≥ `spikeMin`, and `spikeZ` Poisson standard deviations
   * above it, against the `baselineDays` days before today
   */
  spikeFactor: number;
  spikeMin: number;
  spikeZ: number;
  /** how many cases of its own history an area's mix is worth against the territory's mix (smoothing weight) */
  spikePrior: number;
  baselineDays: number;
  /** repeats at one place: this many repeat complaints (same category within 50 m and 30 days) in one ~50 m cell */
  repeatMin: number;
  /** open overdue cases in one street */
  overdueThreshold: number;
  /** report-in rate of the last `recentDays` this far (0–1) below the previous `baselineDays`, with at least `reportInMinDue` summons due */
  reportInDrop: number;
  recentDays: number;
  reportInMinDue: number;
}

/** The thresholds behind each warning. */
export const WARNING_RULES: WarningRules = {
  spikeFactor: 3,
  spikeMin: 8,
  spikeZ: 4,
  spikePrior: 20,
  baselineDays: 28,
  repeatMin: 2,
  overdueThreshold: 10,
  reportInDrop: 0.2,
  recentDays: 7,
  reportInMinDue: 3,
};

/** Cases of one category in one area (district or street): today, and in the baseline days before. */
export interface SpikeCount {
  node: string;
  category: string;
  categoryName: string | null;
  categoryNameEn: string | null;
  today: number;
  base: number;
  /** every category, the same area: today and in the baseline days */
  areaToday: number;
  areaBase: number;
  /** the whole territory over the baseline days: this category, every category */
  cityBase: number;
  cityTotal: number;
  /** how many categories there are (the territory's share spreads one case over them) */
  categories: number;
}

/** The category's share of an area's cases: its own baseline, smoothed toward the territory's (see spikeCandidates). */
export function baselineShare(x: SpikeCount, r: WarningRules): number {
  const territory = (x.cityBase + 1) / (x.cityTotal + Math.max(1, x.categories));
  return (x.base + r.spikePrior * territory) / (x.areaBase + r.spikePrior);
}

/**
 * Spikes: a category far above what its area's own recent mix predicts for today's volume.
 *
 * expected = (area's cases today) × (category's share of the area's cases over the baseline days).
 * The share is smoothed: the area's own counts weigh against `spikePrior` cases in the whole
 * territory's mix (itself smoothed by one case spread over all categories), so a street with a
 * thin history takes the city's usual mix, not a uniform guess. Scaling by today's volume of the
 * same area means a busier day (or a simulator far faster than the history) is no spike by itself,
 * and a day still under way is compared with its own cases so far; only a change of MIX is. A
 * spike needs all three: today ≥ `spikeMin`, today ≥ `spikeFactor` × expected, and
 * z = (today − expected) / √expected ≥ `spikeZ`.
 */
export function spikeCandidates(rows: SpikeCount[], r: WarningRules, day: string): Candidate[] {
  const out: Candidate[] = [];
  for (const x of rows) {
    if (x.today < r.spikeMin || x.areaToday <= 0) continue;
    const share = baselineShare(x, r);
    const expected = x.areaToday * share;
    const z = (x.today - expected) / Math.sqrt(expected);
    if (x.today < r.spikeFactor * expected || z < r.spikeZ) continue;
    const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
    out.push({
      kind: 'spike',
      subject: `${x.node}:${x.category}:${day}`,
      areaPath: x.node,
      departmentId: null,
      figures: {
        category: x.category,
        categoryName: x.categoryName,
        categoryNameEn: x.categoryNameEn,
        today: x.today,
        expected: round(expected, 2),
        z: round(z, 1),
        areaToday: x.areaToday,
        baselineShare: round(share, 4),
        baselinePerDay: round(x.base / r.baselineDays, 2),
        baselineDays: r.baselineDays,
        factor: r.spikeFactor,
        min: r.spikeMin,
        minZ: r.spikeZ,
      },
    });
  }
  return out;
}

/** How far above its threshold a candidate is (for ordering: the strongest first). */
export function severity(c: Candidate): number {
  const f = c.figures as Record<string, number>;
  switch (c.kind) {
    case 'spike':
      return f.today / Math.max(f.expected * f.factor, f.min);
    case 'repeat_place':
      return f.repeats / f.min;
    case 'overdue':
      return f.openOverdue / f.threshold;
    case 'report_in_drop':
      return (f.baselineRate - f.recentRate) / f.drop;
  }
}
