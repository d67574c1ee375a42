import { describe, expect, it } from 'vitest';
import { createRng, standardNormal, type Rng } from '../../common/latency.ts';
import { compareMetric, toPct } from './compare.ts';
import { hodgesLehmannInterval } from './hodges-lehmann.ts';
import { pairsLuck, pooledLuck, processEstimates, processInterval, twoPairLuck, withPairLuck } from './processes.ts';

/**
 * One simulated run: P pairs of processes, r rounds each. Every pair has its own luck (normal, sd
 * tau: what its JIT and layout gave it), every round its own noise (sd sigma) on top of the shift.
 */
function run(rng: Rng, p: number, r: number, shift: number, tau: number, sigma: number): number[][] {
  return Array.from({ length: p }, () => {
    const luck = tau * standardNormal(rng);
    return Array.from({ length: r }, () => shift + luck + sigma * standardNormal(rng));
  });
}

describe('processInterval', () => {
  it('is the mean of the pairs\' estimates with Student\'s t on P - 1 degrees of freedom', () => {
    // Means 1, 2, 3: sd 1, se 1/sqrt(3), t(0.975, 2) = 4.302653.
    const ci = processInterval([[1, 1], [2, 2], [3, 3]], 'mean');
    expect(ci.estimate).toBeCloseTo(2, 12);
    expect(ci.high! - 2).toBeCloseTo(4.302653 / Math.sqrt(3), 5);
    expect(2 - ci.low!).toBeCloseTo(4.302653 / Math.sqrt(3), 5);
    expect(ci.processes).toBe(3);
  });

  it('takes each pair by its Hodges-Lehmann shift, so one far-out window moves its pair little', () => {
    expect(processEstimates([[0, 0, 0, 0, 10]], 'hodges-lehmann')).toEqual([0]);
    expect(processEstimates([[0, 0, 0, 0, 10]], 'mean')).toEqual([2]);
  });

  it('gives no interval from one pair, and skips pairs without a usable round', () => {
    expect(processInterval([[1, 2, 3]], 'mean')).toMatchObject({ low: null, high: null, processes: 1 });
    expect(processInterval([[1, 2], [], [3, 4]], 'mean').processes).toBe(2);
  });

  it('covers the shift in ~95% of runs when processes have luck of their own, where one pair\'s interval over its rounds does not', () => {
    const rng = createRng(11);
    const runs = 2000;
    const shift = 0.02;
    // Measured in hot-path-open: the runs' estimates spread by ~1.3% sd, a round by ~2.5%.
    const tau = 0.013;
    const sigma = 0.025;
    let acrossPairs = 0;
    let onePair = 0;
    for (let i = 0; i < runs; i++) {
      const ci = processInterval(run(rng, 4, 3, shift, tau, sigma), 'hodges-lehmann');
      if (ci.low! <= shift && shift <= ci.high!) acrossPairs++;
      // The same 12 rounds in one pair: its interval believes 12 independent rounds and carries one pair's luck.
      const flat = hodgesLehmannInterval(run(rng, 1, 12, shift, tau, sigma)[0]);
      if (flat.low! <= shift && shift <= flat.high!) onePair++;
    }
    expect(acrossPairs / runs).toBeGreaterThan(0.93);
    expect(acrossPairs / runs).toBeLessThan(0.985);
    expect(onePair / runs).toBeLessThan(0.8);
  });
});

describe('compareMetric with rounds from several pairs of processes', () => {
  const base = Array.from({ length: 6 }, () => 100);
  it('takes the interval across the pairs and says how many there were', () => {
    // Pair 1 reads +1%, pair 2 +3%, pair 3 +2%: the estimate is their mean, the interval theirs.
    const inst = [101, 101, 103, 103, 102, 102];
    const c = compareMetric({ metric: 'cpuPerRequest', baseline: base, instrumented: inst, budgetPct: 10, higherIsWorse: true, seed: 1, estimator: 'hodges-lehmann', processes: [1, 1, 2, 2, 3, 3], minRounds: 1 });
    expect(c.processes).toBe(3);
    const logs = [1.01, 1.03, 1.02].map(Math.log);
    const ci = processInterval(logs.map((l) => [l]), 'mean');
    expect(c.estimatePct).toBeCloseTo((Math.exp(ci.estimate) - 1) * 100, 9);
    expect(c.ciHighPct).toBeCloseTo((Math.exp(ci.high!) - 1) * 100, 9);
    expect(c.verdict).toBe('pass');
  });

  it('is across rounds when every round ran in one pair, and cannot decide from one pair out of several', () => {
    const inst = [101, 102, 101, 102, 101, 102];
    const one = compareMetric({ metric: 'cpuPerRequest', baseline: base, instrumented: inst, budgetPct: 10, higherIsWorse: true, seed: 1, estimator: 'hodges-lehmann', processes: [1, 1, 1, 1, 1, 1] });
    expect(one.processes).toBeUndefined();
    expect(one.verdict).toBe('pass');
    // Pair 2's rounds have no value (a window without CPU): one pair left, no interval.
    const gaps = compareMetric({ metric: 'cpuPerRequest', baseline: base, instrumented: [101, 102, Number.NaN, Number.NaN, Number.NaN, Number.NaN], budgetPct: 10, higherIsWorse: true, seed: 1, estimator: 'hodges-lehmann', processes: [1, 1, 2, 2, 2, 2], minRounds: 1 });
    expect(gaps.verdict).toBe('inconclusive');
    expect(gaps.ciLowPct).toBeNull();
  });
});

describe('a one-pair interval with a calibrated pair luck (withPairLuck)', () => {
  it('adds the luck to each side in quadrature: a +-1.96 se side with luck of one se becomes +-1.96 * sqrt(2) se', () => {
    const w = withPairLuck({ estimate: 0.02, low: 0.01, high: 0.04 }, 0.01 / 1.959963984540054);
    expect(0.02 - w.low).toBeCloseTo(0.01 * Math.SQRT2, 7);
    // Each side keeps its own width: the upper one was twice the lower.
    expect(w.high - 0.02).toBeCloseTo(Math.hypot(0.02, 0.01), 7);
    // No luck: the interval as it was.
    expect(withPairLuck({ estimate: 0.02, low: 0.01, high: 0.04 }, 0)).toEqual({ low: 0.01, high: 0.04 });
  });

  it('turns one pair\'s too-narrow interval into an honest one: simulated runs cover the truth ~95% of the time with the luck, far less without', () => {
    const rng = createRng(11);
    const tau = 0.02;
    let held = 0;
    let heldRaw = 0;
    const runs = 400;
    for (let i = 0; i < runs; i++) {
      const [rounds] = run(rng, 1, 12, 0.05, tau, 0.01);
      const ci = hodgesLehmannInterval(rounds);
      const w = withPairLuck({ estimate: ci.estimate, low: ci.low!, high: ci.high! }, tau);
      if (w.low <= 0.05 && 0.05 <= w.high) held++;
      if (ci.low! <= 0.05 && 0.05 <= ci.high!) heldRaw++;
    }
    expect(held / runs).toBeGreaterThan(0.92);
    expect(heldRaw / runs).toBeLessThan(0.5);
  });

  it('compareMetric widens a one-pair percent interval and records the luck; a pp metric is left alone', () => {
    const base = Array.from({ length: 8 }, () => 100);
    const inst = [101, 102, 101, 102, 101, 102, 101, 102];
    const input = { metric: 'cpuPerRequest' as const, baseline: base, instrumented: inst, budgetPct: 3, higherIsWorse: true, seed: 1, estimator: 'hodges-lehmann' as const };
    const known = { sd: Math.log(1.02), n: 6, from: 'a calibration' };
    const plain = compareMetric(input);
    const lucky = compareMetric({ ...input, pairLuck: known });
    expect(plain.verdict).toBe('pass');
    expect(lucky.pairSdPct).toBeCloseTo(2, 9);
    expect(lucky.estimatePct).toBe(plain.estimatePct);
    expect(lucky.ciHighPct!).toBeGreaterThan(plain.ciHighPct! + 2);
    expect(lucky.verdict).toBe('inconclusive');
    expect(lucky.note).toMatch(/luck, sd 2\.0%, from a calibration\)$/);
    const pp = compareMetric({ ...input, metric: 'errorRate', baseline: base.map(() => 0), instrumented: inst.map(() => 0), pairLuck: known });
    expect(pp.pairSdPct).toBeUndefined();
  });

  it('over P pairs, compareMetric counts the known luck pooled with their own spread, over sqrt(P), instead of t across pairs', () => {
    const base = Array.from({ length: 8 }, () => 100);
    const inst = [101, 102, 101, 102, 101, 102, 101, 102];
    const processes = [1, 1, 2, 2, 3, 3, 4, 4];
    const input = { metric: 'cpuPerRequest' as const, baseline: base, instrumented: inst, budgetPct: 3, higherIsWorse: true, seed: 1, estimator: 'hodges-lehmann' as const, processes };
    const known = { sd: Math.log(1.02), n: 6, from: 'a calibration' };
    // The four pairs read alike (their own luck 0, 3 degrees of freedom): (6 tau^2 + 0) / 9, over sqrt(4).
    const lucky = compareMetric({ ...input, pairLuck: known });
    expect(lucky.pairSdPct).toBeCloseTo(toPct((Math.log(1.02) * Math.sqrt(6 / 9)) / 2), 9);
    expect(lucky.note).toMatch(/the luck of 4 pairs of processes' mean, sd 0\.8%, from a calibration and their spread\)$/);
    const rounds = compareMetric({ ...input, processes: undefined });
    expect(lucky.estimatePct).toBe(rounds.estimatePct);
    expect(lucky.ciHighPct!).toBeGreaterThan(rounds.ciHighPct!);
    // Without a known luck: across the pairs (t on 3 degrees of freedom), no luck recorded.
    expect(compareMetric(input).pairSdPct).toBeUndefined();
  });
});

describe('pairsLuck and pooledLuck (P pairs, and a known luck)', () => {
  it('pairsLuck is the method of moments over P pairs: var(means) - mean(v), floored at 0; twoPairLuck is its P = 2', () => {
    // Means 0, 3, 6 (var 9), each mean's variance 1/3: tau^2 = 9 - 1/3.
    expect(pairsLuck([[-1, 0, 1], [2, 3, 4], [5, 6, 7]])!.sd).toBeCloseTo(Math.sqrt(9 - 1 / 3), 12);
    expect(pairsLuck([[-1, 0, 1], [2, 3, 4]])!.sd).toBeCloseTo(twoPairLuck([[-1, 0, 1], [2, 3, 4]])!.sd, 12);
    // Pairs that agree better than their rounds' noise implies: tau^2 below 0 is kept for pooling, the sd floored.
    const agreeing = pairsLuck([[-1, 0, 1], [-1, 0, 1.2]])!;
    expect(agreeing.tau2).toBeLessThan(0);
    expect(agreeing.sd).toBe(0);
    expect(pairsLuck([[1, 2]])).toBeNull();
    expect(pairsLuck([[1, 2], [3]])).toBeNull();
  });

  it('pooledLuck weighs the known luck by its n and the run\'s by its P - 1', () => {
    const known = { sd: 0.02, n: 6, from: 'x' };
    expect(pooledLuck(known, null)).toBe(0.02);
    expect(pooledLuck(known, { sd: 0.05, pairs: 1 })).toBe(0.02);
    expect(pooledLuck(known, { sd: 0.05, pairs: 4 })).toBeCloseTo(Math.sqrt((6 * 0.0004 + 3 * 0.0025) / 9), 12);
  });

  it('P pairs of 3 rounds with a known luck hold the truth as often as they should, and one far-out pair among them widens the interval', () => {
    const rng = createRng(41);
    const tau = 0.012;
    const runs = 400;
    let held = 0;
    for (let i = 0; i < runs; i++) {
      // A luck of sd 1.2% per pair (the calibrated figure), rounds of sd 1.5%, a true shift of +1%: 4 pairs of 3 rounds.
      const changes = run(rng, 4, 3, 0.01, tau, 0.015).flat();
      const c = compareMetric({
        metric: 'cpuPerRequest', baseline: changes.map(() => 100), instrumented: changes.map((x) => 100 * Math.exp(x)), budgetPct: 10, higherIsWorse: true,
        seed: i, estimator: 'hodges-lehmann', processes: [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4], pairLuck: { sd: tau, n: 6, from: 'x' },
      });
      if (c.ciLowPct! <= toPct(0.01) && toPct(0.01) <= c.ciHighPct!) held++;
    }
    expect(held / runs).toBeGreaterThan(0.92);
    const calm = [0.01, 0.012, 0.008, 0.011, 0.009, 0.01, 0.01, 0.011, 0.009];
    const far = [...calm.slice(0, 6), 0.1, 0.11, 0.09];
    const judge = (xs: number[]) => compareMetric({
      metric: 'cpuPerRequest', baseline: xs.map(() => 100), instrumented: xs.map((x) => 100 * Math.exp(x)), budgetPct: 5, higherIsWorse: true,
      seed: 1, estimator: 'hodges-lehmann', processes: [1, 1, 1, 2, 2, 2, 3, 3, 3], pairLuck: { sd: tau, n: 6, from: 'x' },
    });
    expect(judge(calm).verdict).toBe('pass');
    expect(judge(far).verdict).toBe('inconclusive');
    expect(judge(far).pairSdPct!).toBeGreaterThan(2 * judge(calm).pairSdPct!);
  });

});

describe('twoPairLuck (the luck two pairs of processes imply)', () => {
  it('is the method of moments: tau^2 = (d^2 - v1 - v2) / 2, floored at 0', () => {
    // Means 0 and 3, each mean's variance 1/3: tau^2 = (9 - 2/3) / 2.
    const l = twoPairLuck([[-1, 0, 1], [2, 3, 4]])!;
    expect(l.estimates).toEqual([0, 3]);
    expect(l.sd).toBeCloseTo(Math.sqrt((9 - 2 / 3) / 2), 12);
    // Means 0.5 apart with noise that explains it: no luck.
    expect(twoPairLuck([[-1, 0, 1], [-0.5, 0.5, 1.5]])!.sd).toBe(0);
    expect(twoPairLuck([[1], [1, 2]])).toBeNull();
  });
});

describe('compareMetric over two pairs of processes', () => {
  it("takes the rounds' interval, as for one pair, when the pairs agree within their noise, and records the two pairs", () => {
    const baseline = [100, 100, 100, 100, 100, 100];
    const instrumented = [101, 102, 103, 101, 102, 103];
    const common = { metric: 'cpuPerRequest' as const, baseline, instrumented, budgetPct: 10, higherIsWorse: true, seed: 1, estimator: 'hodges-lehmann' as const };
    const one = compareMetric(common);
    const two = compareMetric({ ...common, processes: [1, 1, 1, 2, 2, 2] });
    expect([two.ciLowPct, two.ciHighPct, two.verdict]).toEqual([one.ciLowPct, one.ciHighPct, one.verdict]);
    expect(two.processes).toBe(2);
    expect(two.pairSdPct).toBeUndefined();
    // Three pairs: across them (t on 2 degrees of freedom), wider.
    const three = compareMetric({ ...common, processes: [1, 1, 2, 2, 3, 3] });
    expect(three.ciHighPct! - three.ciLowPct!).toBeGreaterThan(one.ciHighPct! - one.ciLowPct!);
  });
});

describe('two pairs of processes with luck of their own (simulated)', () => {
  it("hold the truth more often than one pair's rounds", () => {
    const rng = createRng(23);
    const runs = 400;
    let widened = 0;
    let rounds = 0;
    const base = Array.from({ length: 6 }, () => 100);
    for (let i = 0; i < runs; i++) {
      // A luck of sd 3% per pair, rounds of sd 1%, a true shift of +1%: 3 rounds in each pair.
      const changes = run(rng, 2, 3, 0.01, 0.03, 0.01).flat();
      const common = { metric: 'cpuPerRequest' as const, baseline: base, instrumented: changes.map((c) => 100 * Math.exp(c)), budgetPct: 10, higherIsWorse: true, seed: i, estimator: 'hodges-lehmann' as const };
      const holds = (c: ReturnType<typeof compareMetric>) => c.ciLowPct! <= 1.005 && 1.005 <= c.ciHighPct!;
      if (holds(compareMetric({ ...common, processes: [1, 1, 1, 2, 2, 2] }))) widened++;
      if (holds(compareMetric(common))) rounds++;
    }
    // 70% and 79% here: two pairs estimate the luck on one degree of freedom, so better, not exact.
    expect(rounds / runs).toBeLessThan(0.75);
    expect(widened / runs).toBeGreaterThan(rounds / runs + 0.05);
  });

  it('fail far less often than one pair when a pair now and then carries a large luck (the false fail)', () => {
    const rng = createRng(29);
    const runs = 400;
    const fails = { one: 0, two: 0 };
    const base = Array.from({ length: 6 }, () => 100);
    // Each pair: +10% or -10% of luck, each a quarter of the time, else none; rounds of sd 1%;
    // a true +2% against a 10% budget (reconnect-churn's RESP-fake world, 2026-12-02).
    const luck = () => {
      const u = rng();
      return u < 0.25 ? 0.1 : u < 0.5 ? -0.1 : 0;
    };
    const rounds = (l: number, n: number) => Array.from({ length: n }, () => 0.02 + l + 0.01 * standardNormal(rng));
    for (let i = 0; i < runs; i++) {
      const common = { metric: 'cpuPerRequest' as const, baseline: base, budgetPct: 10, higherIsWorse: true, seed: i, estimator: 'hodges-lehmann' as const };
      const one = rounds(luck(), 6);
      if (compareMetric({ ...common, instrumented: one.map((c) => 100 * Math.exp(c)) }).verdict === 'fail') fails.one++;
      const two = [...rounds(luck(), 3), ...rounds(luck(), 3)];
      if (compareMetric({ ...common, instrumented: two.map((c) => 100 * Math.exp(c)), processes: [1, 1, 1, 2, 2, 2] }).verdict === 'fail') fails.two++;
    }
    // About a quarter of single pairs (those with +10%), against the runs whose both pairs drew it.
    expect(fails.one / runs).toBeGreaterThan(0.15);
    expect(fails.two / runs).toBeLessThan(0.1);
  });
});
