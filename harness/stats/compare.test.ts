import { describe, expect, it } from 'vitest';
import { createRng } from '../../common/latency.ts';
import { compareMetric, effectiveBudgetPct, overallVerdict, scenarioVerdict } from './compare.ts';

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

  for (const rounds of [5, 6, 10]) {
    it(`covers the true effect about 95% of the time with ${rounds} noisy rounds`, () => {
      const rng = createRng(99 + rounds);
      let covered = 0;
      const trials = 1000;
      for (let t = 0; t < trials; t++) {
        // True overhead +3%, per-round noise sd ~5% (Box-Muller on the seeded rng).
        const base: number[] = [];
        const inst: number[] = [];
        for (let i = 0; i < rounds; i++) {
          const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
          base.push(100);
          inst.push(100 * Math.exp(Math.log(1.03) + 0.05 * z));
        }
        const c = compareMetric({ metric: 'p50', baseline: base, instrumented: inst, budgetPct: 5, higherIsWorse: true, seed: t, resamples: 2000 });
        if (c.ciLowPct! <= 3 && 3 <= c.ciHighPct!) covered++;
      }
      // 95% nominal; 3 binomial sds (0.007 at 1000 trials) either side, plus the bootstrap's own error.
      expect(covered / trials).toBeGreaterThan(0.925);
      expect(covered / trials).toBeLessThan(0.975);
    });
  }
});

describe('budget floors (a change smaller than the floor is no regression)', () => {
  // p99 around 1 ms, +-1% noise per round; the instrumented variant adds a constant number of microseconds.
  const base = rounds(8, 1000, 0.01, 21);
  const plus = (us: number) => base.map((b) => b + us);

  it('a +100 us change under a 200 us floor passes a 5% budget (the floor is 20% of the 1 ms median)', () => {
    const c = compareMetric({ metric: 'p99', baseline: base, instrumented: plus(100), budgetPct: 5, floorUs: 200, higherIsWorse: true, seed: 3 });
    expect(c.estimatePct!).toBeGreaterThan(9);
    expect(c.budgetPctAsWritten).toBe(5);
    expect(c.floorUs).toBe(200);
    expect(c.budgetPct).toBeCloseTo((100 * 200) / c.baselineMedian!, 10);
    expect(c.verdict).toBe('pass');
  });

  it('a +400 us change above the 200 us floor fails', () => {
    const c = compareMetric({ metric: 'p99', baseline: base, instrumented: plus(400), budgetPct: 5, floorUs: 200, higherIsWorse: true, seed: 3 });
    expect(c.ciLowPct!).toBeGreaterThan(c.budgetPct);
    expect(c.verdict).toBe('fail');
  });

  it('a plain number is unchanged: the same +100 us fails a 5% budget, and no floor fields are written', () => {
    const c = compareMetric({ metric: 'p99', baseline: base, instrumented: plus(100), budgetPct: 5, higherIsWorse: true, seed: 3 });
    expect(c.verdict).toBe('fail');
    expect(c.budgetPct).toBe(5);
    expect(c).not.toHaveProperty('floorUs');
    expect(c).not.toHaveProperty('budgetPctAsWritten');
  });

  it('a floor below the percent budget changes nothing but is recorded', () => {
    const c = compareMetric({ metric: 'p99', baseline: base, instrumented: plus(100), budgetPct: 5, floorUs: 10, higherIsWorse: true, seed: 3 });
    expect(c.budgetPct).toBe(5);
    expect(c.floorUs).toBe(10);
    expect(c.verdict).toBe('fail');
  });

  it('effectiveBudgetPct keeps the written budget without a usable median', () => {
    expect(effectiveBudgetPct(5, 200, 1000)).toBe(20);
    expect(effectiveBudgetPct(5, 200, 10_000)).toBe(5);
    expect(effectiveBudgetPct(5, 200, null)).toBe(5);
    expect(effectiveBudgetPct(5, undefined, 1000)).toBe(5);
  });
});

describe('errorRate: a difference in percentage points, judged against a pp budget', () => {
  const zeros = [0, 0, 0, 0, 0, 0];

  it('instrumented erroring 20% vs 0% fails a 0.1 pp budget', () => {
    const c = compareMetric({ metric: 'errorRate', baseline: zeros, instrumented: [20, 19.5, 20.5, 20, 19.8, 20.2], budgetPct: 0.1, higherIsWorse: true, seed: 1 });
    expect(c.estimatePct!).toBeCloseTo(20, 5);
    expect(c.ciLowPct!).toBeGreaterThan(19);
    expect(c.verdict).toBe('fail');
    expect(c.rounds).toBe(6); // zero is an ordinary value here, never a skipped round
  });

  it('equal error rates pass (the interval is [0, 0])', () => {
    const c = compareMetric({ metric: 'errorRate', baseline: zeros, instrumented: zeros, budgetPct: 0.1, higherIsWorse: true, seed: 1 });
    expect([c.estimatePct, c.ciLowPct, c.ciHighPct]).toEqual([0, 0, 0]);
    expect(c.verdict).toBe('pass');
    const same = [1, 2, 0.5, 1.5, 1, 3];
    expect(compareMetric({ metric: 'errorRate', baseline: same, instrumented: same, budgetPct: 0.1, higherIsWorse: true, seed: 1 }).verdict).toBe('pass');
  });

  it('noisy rates on both sides whose interval spans the budget are inconclusive', () => {
    const c = compareMetric({ metric: 'errorRate', baseline: [1, 3, 0, 2, 4, 1], instrumented: [2, 1, 3, 0, 4, 2], budgetPct: 0.1, higherIsWorse: true, seed: 1 });
    expect(c.ciLowPct!).toBeLessThanOrEqual(0.1);
    expect(c.ciHighPct!).toBeGreaterThan(0.1);
    expect(c.verdict).toBe('inconclusive');
  });
});
