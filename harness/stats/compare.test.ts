import { describe, expect, it } from 'vitest';
import { createRng } from '../../common/latency.ts';
import { compareMetric, overallVerdict, scenarioVerdict } from './compare.ts';

/** Rounds of a metric around `level`, with multiplicative noise of +-noise (uniform), seeded. */
function rounds(n: number, level: number, noise: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => level * (1 + (rng() * 2 - 1) * noise));
}

describe('compareMetric', () => {
  it('passes a 0% effect against a 5% budget', () => {
    const base = rounds(10, 1000, 0.01, 1);
    const inst = rounds(10, 1000, 0.01, 2);
    const c = compareMetric({ metric: 'p50', baseline: base, instrumented: inst, budgetPct: 5, higherIsWorse: true, seed: 7 });
    expect(c.verdict).toBe('pass');
    expect(Math.abs(c.estimatePct!)).toBeLessThan(2);
    expect(c.ciLowPct!).toBeLessThanOrEqual(c.estimatePct!);
    expect(c.ciHighPct!).toBeGreaterThanOrEqual(c.estimatePct!);
    expect(c.ciHighPct!).toBeLessThanOrEqual(5);
  });

  it('fails a +20% effect against a 5% budget', () => {
    const base = rounds(10, 1000, 0.02, 3);
    const inst = base.map((b, i) => b * 1.2 * (1 + (i % 2 ? 0.01 : -0.01)));
    const c = compareMetric({ metric: 'p99', baseline: base, instrumented: inst, budgetPct: 5, higherIsWorse: true, seed: 7 });
    expect(c.verdict).toBe('fail');
    expect(c.estimatePct!).toBeGreaterThan(18);
    expect(c.estimatePct!).toBeLessThan(22);
    expect(c.ciLowPct!).toBeGreaterThan(5);
  });

  it('is inconclusive when noise is wider than the budget', () => {
    const base = rounds(8, 1000, 0.4, 5);
    const inst = rounds(8, 1040, 0.4, 6);
    const c = compareMetric({ metric: 'p95', baseline: base, instrumented: inst, budgetPct: 5, higherIsWorse: true, seed: 7 });
    expect(c.verdict).toBe('inconclusive');
    expect(c.ciLowPct!).toBeLessThanOrEqual(5);
    expect(c.ciHighPct!).toBeGreaterThan(5);
  });

  it('orients throughput so that a drop is positive overhead', () => {
    const base = [1000, 1010, 990, 1005, 995, 1000];
    const inst = base.map((b) => b * 0.9);
    const c = compareMetric({ metric: 'throughput', baseline: base, instrumented: inst, budgetPct: 2, higherIsWorse: false, seed: 1 });
    expect(c.estimatePct!).toBeCloseTo((1 / 0.9 - 1) * 100, 5);
    expect(c.verdict).toBe('fail');
    const better = compareMetric({ metric: 'throughput', baseline: base, instrumented: base.map((b) => b * 1.1), budgetPct: 2, higherIsWorse: false, seed: 1 });
    expect(better.estimatePct!).toBeLessThan(0);
    expect(better.verdict).toBe('pass');
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const base = rounds(9, 500, 0.1, 11);
    const inst = rounds(9, 520, 0.1, 12);
    const args = { metric: 'cpuPerRequest' as const, baseline: base, instrumented: inst, budgetPct: 3, higherIsWorse: true };
    const a = compareMetric({ ...args, seed: 42 });
    const b = compareMetric({ ...args, seed: 42 });
    const c = compareMetric({ ...args, seed: 43 });
    expect(b).toEqual(a);
    expect([c.ciLowPct, c.ciHighPct]).not.toEqual([a.ciLowPct, a.ciHighPct]);
  });

  it('is inconclusive with fewer than 5 valid rounds, whatever the numbers', () => {
    const c = compareMetric({ metric: 'p50', baseline: [100, 100, 100, 100], instrumented: [200, 200, 200, 200], budgetPct: 5, higherIsWorse: true, seed: 1 });
    expect(c.verdict).toBe('inconclusive');
    expect(c.estimatePct!).toBeCloseTo(100, 5);
    expect(c.rounds).toBe(4);
  });

  it('skips rounds with zero or missing values instead of producing infinities', () => {
    const c = compareMetric({ metric: 'p50', baseline: [0, 100, 100, 100, 100, 100], instrumented: [100, 100, 100, 100, 100, NaN], budgetPct: 5, higherIsWorse: true, seed: 1 });
    expect(c.rounds).toBe(4);
    expect(Number.isFinite(c.estimatePct!)).toBe(true);
  });
});

describe('verdict aggregation', () => {
  it('takes the worst verdict and fails on an exactness mismatch', () => {
    expect(overallVerdict(['pass', 'pass'])).toBe('pass');
    expect(overallVerdict(['pass', 'inconclusive'])).toBe('inconclusive');
    expect(overallVerdict(['inconclusive', 'fail', 'pass'])).toBe('fail');
    expect(overallVerdict([])).toBe('inconclusive');
    const passing = compareMetric({ metric: 'p50', baseline: [1, 1, 1, 1, 1], instrumented: [1, 1, 1, 1, 1], budgetPct: 5, higherIsWorse: true, seed: 1 });
    expect(scenarioVerdict([passing])).toBe('pass');
    expect(scenarioVerdict([passing], false)).toBe('fail');
  });
});

describe('bootstrap interval width', () => {
  it('uses expanded percentiles: wider than the plain 2.5/97.5 for few rounds, converging for many', async () => {
    const { expandedTail } = await import('./bootstrap.ts');
    expect(expandedTail(5)).toBeLessThan(0.005);
    expect(expandedTail(5)).toBeGreaterThan(0.0001);
    expect(expandedTail(200)).toBeGreaterThan(0.022);
    expect(expandedTail(200)).toBeLessThan(0.025);
  });

  it('covers the true effect about 95% of the time with 6 noisy rounds', () => {
    const rng = createRng(99);
    let covered = 0;
    const trials = 300;
    for (let t = 0; t < trials; t++) {
      // True overhead +3%, per-round noise sd ~5% (Box-Muller on the seeded rng).
      const base: number[] = [];
      const inst: number[] = [];
      for (let i = 0; i < 6; i++) {
        const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
        base.push(100);
        inst.push(100 * Math.exp(Math.log(1.03) + 0.05 * z));
      }
      const c = compareMetric({ metric: 'p50', baseline: base, instrumented: inst, budgetPct: 5, higherIsWorse: true, seed: t, resamples: 2000 });
      if (c.ciLowPct! <= 3 && 3 <= c.ciHighPct!) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.9);
    expect(covered / trials).toBeLessThan(0.995);
  });
});
