import { describe, expect, it } from 'vitest';
import { createRng, standardNormal, type Rng } from '../../common/latency.ts';
import { bootstrapMean } from './bootstrap.ts';
import { compareMetric } from './compare.ts';
import { hodgesLehmann, hodgesLehmannInterval, signedRankCut } from './hodges-lehmann.ts';

/** Per-round changes: a shift plus normal noise, and now and then (probability `outlierRate`) a far-out round either way. */
function changes(rng: Rng, n: number, shift: number, sd: number, outlierRate = 0, outlier = 0): number[] {
  return Array.from({ length: n }, () => {
    const far = rng() < outlierRate ? (rng() < 0.5 ? -outlier : outlier) : 0;
    return shift + sd * standardNormal(rng) + far;
  });
}

describe('signedRankCut', () => {
  it('matches the published two-sided critical values of the signed-rank test (alpha 0.05 and 0.01)', () => {
    // Lower critical values c (reject when W+ <= c) from the standard tables; the cut is c + 1.
    const table05: Record<number, number> = { 6: 0, 8: 3, 10: 8, 12: 13, 15: 25, 20: 52, 25: 89, 30: 137, 50: 434 };
    const table01: Record<number, number> = { 8: 0, 10: 3, 12: 7, 15: 15, 20: 37, 30: 109 };
    for (const [n, c] of Object.entries(table05)) expect(signedRankCut(Number(n), 0.05), `n=${n}`).toBe(c + 1);
    for (const [n, c] of Object.entries(table01)) expect(signedRankCut(Number(n), 0.01), `n=${n}`).toBe(c + 1);
  });

  it('is 0 when no interval reaches the level (5 rounds at 95%), and close to the exact count past the exact range', () => {
    expect(signedRankCut(5, 0.05)).toBe(0);
    // The normal approximation at 51 continues the exact values' trend (435 at 50, +~19 per round).
    expect(Math.abs(signedRankCut(51, 0.05) - 454)).toBeLessThanOrEqual(2);
  });
});

describe('hodgesLehmannInterval', () => {
  it('is the median of the Walsh averages, inside its interval', () => {
    expect(hodgesLehmann([1, 2, 3])).toBe(2);
    expect(hodgesLehmann([0, 0, 10])).toBe(2.5); // Walsh: 0,0,0,5,5,10
    const ci = hodgesLehmannInterval(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(ci).toEqual({ estimate: 6.5, low: 4, high: 9 });
  });

  it('has no interval with too few rounds for the level', () => {
    expect(hodgesLehmannInterval([1, 2, 3, 4, 5], 0.05)).toMatchObject({ low: null, high: null });
  });

  it('covers a known shift in about 95% of normal samples of 12 rounds', () => {
    const rng = createRng(11);
    let covered = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const ci = hodgesLehmannInterval(changes(rng, 12, 0.03, 0.02));
      if (ci.low! <= 0.03 && 0.03 <= ci.high!) covered++;
    }
    // Exact level 1 - 2 * P(W+ <= 13) = 95.8% at n = 12.
    expect(covered / trials).toBeGreaterThan(0.935);
    expect(covered / trials).toBeLessThan(0.975);
  });

  it('stays narrow where a few far-out rounds widen the bootstrap interval of the mean', () => {
    const rng = createRng(12);
    let hl = 0;
    let mean = 0;
    let covered = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const xs = changes(rng, 12, 0, 0.02, 0.1, 0.4);
      const a = hodgesLehmannInterval(xs);
      const b = bootstrapMean(xs, rng, 2000);
      hl += a.high! - a.low!;
      mean += b.high - b.low;
      if (a.low! <= 0 && 0 <= a.high!) covered++;
    }
    expect(hl / trials).toBeLessThan((0.6 * mean) / trials);
    expect(covered / trials).toBeGreaterThan(0.93);
  });
});

describe('compareMetric with the Hodges-Lehmann estimator', () => {
  it('fails no more than 5% of simulated A/A comparisons at a budget of one noise sd, far-out rounds included', () => {
    const rng = createRng(13);
    let fails = 0;
    const trials = 1000;
    for (let t = 0; t < trials; t++) {
      const logs = changes(rng, 12, 0, 0.03, 0.1, 0.4);
      const c = compareMetric({
        metric: 'cpuPerRequest', budgetPct: 3, higherIsWorse: true, seed: t, estimator: 'hodges-lehmann',
        baseline: logs.map(() => 100), instrumented: logs.map((l) => 100 * Math.exp(l)),
      });
      expect(c.estimator).toBe('hodges-lehmann');
      if (c.verdict === 'fail') fails++;
    }
    expect(fails / trials).toBeLessThanOrEqual(0.05);
  });

  it('keeps the mean for a percentage-point metric (an error rate is mostly zeros)', () => {
    const c = compareMetric({
      metric: 'errorRate', budgetPct: 0.1, higherIsWorse: true, seed: 1, estimator: 'hodges-lehmann',
      baseline: [0, 0, 0, 0, 0, 0], instrumented: [0, 0, 0, 0, 0, 3],
    });
    expect(c.estimator).toBe('mean');
    expect(c.estimatePct).toBeCloseTo(0.5, 10);
  });

  it('is inconclusive, with a note, when the rounds are too few for the level', () => {
    const c = compareMetric({
      metric: 'p50', budgetPct: 5, higherIsWorse: true, seed: 1, estimator: 'hodges-lehmann', minRounds: 1,
      baseline: [100, 100, 100, 100, 100], instrumented: [101, 99, 100, 102, 100],
    });
    expect(c.verdict).toBe('inconclusive');
    expect(c.ciLowPct).toBeNull();
    expect(c.note).toMatch(/too few for a 95% signed-rank interval/);
  });
});
