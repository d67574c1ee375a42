import { describe, expect, it } from 'vitest';
import { createRng, standardNormal } from '../../common/latency.ts';
import type { Verdict } from '../result/schema.ts';
import { compareMetric, type Estimator } from './compare.ts';
import { keepDecided, lookAlpha, MAX_LOOKS, planLooks, pocockSpending, stopAfterLook } from './sequential.ts';

const BATCH = 5;
const LOOKS = 4;
const SEQUENCES = 2000;
const RESAMPLES = 1000;

/**
 * One simulated `--until-decided` scenario: batches of BATCH rounds whose per-round log-ratio is
 * N(shift, sd), a look after each batch over all rounds so far (compareMetric, the verdict the
 * harness uses) at the look's level, stopping by `stopAfterLook` (time never binds here: the
 * planned looks do). `levelOf` gives the look's alpha: the spending design, or 0.05 every time
 * (the uncorrected "retry until decided").
 */
interface Design {
  estimator: Estimator;
  batch: number;
  /**
   * Another comparison of the scenario stays inconclusive until the last planned look, so the run
   * takes every look; this one's verdict is then the first look that decided it (keepDecided).
   */
  othersUndecided?: boolean;
}
const MEAN: Design = { estimator: 'mean', batch: BATCH };

function simulate(seed: number, shift: number, sd: number, budgetPct: number, levelOf: (look: number) => number, design: Design) {
  const rng = createRng(seed);
  const changes: number[] = [];
  let standing: { metric: string; verdict: Verdict }[] = [];
  for (let look = 1; ; look++) {
    for (let i = 0; i < design.batch; i++) changes.push(shift + sd * standardNormal(rng));
    const c = compareMetric({
      metric: 'p50',
      baseline: changes.map(() => 1),
      instrumented: changes.map(Math.exp),
      budgetPct,
      higherIsWorse: true,
      seed: seed ^ look,
      resamples: RESAMPLES,
      alpha: levelOf(look),
      estimator: design.estimator,
    });
    standing = keepDecided(standing, [c]);
    const verdicts: Verdict[] = [standing[0]!.verdict, ...(design.othersUndecided && look < LOOKS ? ['inconclusive' as const] : [])];
    if (stopAfterLook({ look, maxLooks: LOOKS, verdicts, elapsedMs: look, longestBatchMs: 1, maxTimeMs: 1e9 }) !== null) {
      return { verdict: standing[0]!.verdict, looks: look };
    }
  }
}

function run(shift: number, sd: number, budgetPct: number, levelOf: (look: number) => number, design = MEAN) {
  const out = { pass: 0, fail: 0, inconclusive: 0, looks: 0 };
  for (let s = 1; s <= SEQUENCES; s++) {
    const r = simulate(s * 7919, shift, sd, budgetPct, levelOf, design);
    out[r.verdict]++;
    out.looks += r.looks;
  }
  return { pass: out.pass / SEQUENCES, fail: out.fail / SEQUENCES, meanLooks: out.looks / SEQUENCES };
}

describe('keepDecided', () => {
  const c = (metric: string, verdict: Verdict, look: number) => ({ metric, verdict, look });
  it("keeps an earlier look's decided comparison and takes this look's for the rest", () => {
    const earlier = [c('cpuPerRequest', 'pass', 1), c('p95', 'inconclusive', 1), c('throughput', 'fail', 1)];
    const now = [c('cpuPerRequest', 'inconclusive', 2), c('p95', 'pass', 2), c('throughput', 'pass', 2), c('p99', 'inconclusive', 2)];
    expect(keepDecided(earlier, now)).toEqual([c('cpuPerRequest', 'pass', 1), c('p95', 'pass', 2), c('throughput', 'fail', 1), c('p99', 'inconclusive', 2)]);
    expect(keepDecided([], now)).toEqual(now);
  });
});

describe('alpha spending', () => {
  it('spends 5% in all over the planned looks, Pocock-type (evenly, a little more early)', () => {
    for (const k of [1, 2, 4, 10]) {
      const levels = Array.from({ length: k }, (_, i) => lookAlpha(i + 1, k));
      expect(levels.reduce((a, b) => a + b, 0)).toBeCloseTo(0.05, 12);
      for (let i = 1; i < k; i++) expect(levels[i]).toBeLessThan(levels[i - 1]);
    }
    expect(lookAlpha(1, 1)).toBeCloseTo(0.05, 12);
    expect(pocockSpending(0.5)).toBeCloseTo(0.05 * Math.log((1 + Math.E) / 2), 12);
    expect(() => lookAlpha(5, 4)).toThrow();
  });

  it('plans the looks from --max-time and the first batch: at least one, at most MAX_LOOKS', () => {
    expect(planLooks({ maxTimeMs: 100_000, elapsedMs: 30_000, batchMs: 20_000 })).toBe(4);
    expect(planLooks({ maxTimeMs: 10_000, elapsedMs: 30_000, batchMs: 20_000 })).toBe(1);
    expect(planLooks({ maxTimeMs: 1e9, elapsedMs: 1, batchMs: 1 })).toBe(MAX_LOOKS);
  });

  it('stops when every comparison is decided, at the last planned look, or when the next batch would pass --max-time', () => {
    const base = { look: 1, maxLooks: 4, elapsedMs: 30, longestBatchMs: 20, maxTimeMs: 100 };
    expect(stopAfterLook({ ...base, verdicts: ['pass', 'fail'] })).toBe('decided');
    expect(stopAfterLook({ ...base, verdicts: [] })).toBe('decided');
    expect(stopAfterLook({ ...base, verdicts: ['pass', 'inconclusive'] })).toBeNull();
    expect(stopAfterLook({ ...base, look: 4, verdicts: ['inconclusive'] })).toBe('max-looks');
    expect(stopAfterLook({ ...base, elapsedMs: 81, verdicts: ['inconclusive'] })).toBe('time');
    expect(stopAfterLook({ ...base, elapsedMs: 80, verdicts: ['inconclusive'] })).toBeNull();
  });
});

describe('sequential looks keep the error rate (2000 seeded sequences, 4 looks of 5 rounds)', () => {
  // The budget sits at the truth (no change, budget 0%): a single look at the full 20 rounds ends
  // decided, pass or fail, in ~5% of runs (its 95% interval misses the truth), fail alone in ~2.5%.
  // Any decision of the whole procedure is then an error. Tolerance: 3 binomial standard
  // deviations at 2000 sequences, 3 * sqrt(0.05 * 0.95 / 2000) = 0.0146 (0.0105 at 2.5%).
  const tol = (p: number) => 3 * Math.sqrt((p * (1 - p)) / SEQUENCES);
  const SD = 0.05;

  it('decides wrongly in at most 5% of A/A sequences with the spending design; "retry until decided" does not', () => {
    const spent = run(0, SD, 0, (look) => lookAlpha(look, LOOKS));
    expect(spent.pass + spent.fail).toBeLessThanOrEqual(0.05 + tol(0.05));
    expect(spent.fail).toBeLessThanOrEqual(0.025 + tol(0.025));
    // The same sequences at 95% every look: the repeated looks inflate the error well past 5%.
    const naive = run(0, SD, 0, () => 0.05);
    expect(naive.pass + naive.fail).toBeGreaterThan(0.05 + tol(0.05));
  });

  it('keeps the error with the Hodges-Lehmann intervals of the realistic gate too, at its ci batches of 12 rounds', () => {
    const hl: Design = { estimator: 'hodges-lehmann', batch: 12 };
    const spent = run(0, SD, 0, (look) => lookAlpha(look, LOOKS), hl);
    expect(spent.pass + spent.fail).toBeLessThanOrEqual(0.05 + tol(0.05));
    expect(spent.fail).toBeLessThanOrEqual(0.025 + tol(0.025));
  });

  it('keeps the error when a decided comparison keeps its verdict while another keeps the run looking', () => {
    // Every sequence takes all 4 looks; a comparison decided at look k stays so. Wrong only where
    // look k's own interval missed the truth: at most the looks' levels summed, 5%.
    const kept = run(0, SD, 0, (look) => lookAlpha(look, LOOKS), { ...MEAN, othersUndecided: true });
    expect(kept.meanLooks).toBe(LOOKS);
    expect(kept.pass + kept.fail).toBeLessThanOrEqual(0.05 + tol(0.05));
    expect(kept.fail).toBeLessThanOrEqual(0.025 + tol(0.025));
  });

  it('detects a true change of twice the budget in most sequences, on fewer looks than the maximum on average', () => {
    const budgetPct = 5;
    const shift = Math.log(1 + (2 * budgetPct) / 100);
    const r = run(shift, SD, budgetPct, (look) => lookAlpha(look, LOOKS));
    expect(r.fail).toBeGreaterThan(0.8);
    expect(r.pass).toBe(0);
    expect(r.meanLooks).toBeLessThan(LOOKS);
  });
});
