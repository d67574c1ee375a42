import { createRng } from '../../common/latency.ts';
import type { Comparison, MetricName, Verdict } from '../result/schema.ts';
import { bootstrapMean } from './bootstrap.ts';

export interface CompareInput {
  metric: MetricName;
  /** Per-round values, paired by index with `instrumented` (same round). */
  baseline: readonly number[];
  instrumented: readonly number[];
  budgetPct: number;
  /** Latency, CPU and ns/op: higher is worse. Throughput: lower is worse. */
  higherIsWorse: boolean;
  seed: number;
  resamples?: number;
  /** Fewer valid rounds than this is inconclusive whatever the numbers. */
  minRounds?: number;
}

export const DEFAULT_RESAMPLES = 10_000;
export const DEFAULT_MIN_ROUNDS = 5;

const toPct = (logRatio: number) => (Math.exp(logRatio) - 1) * 100;

/**
 * Overhead of instrumented vs baseline for one metric: the per-round log-ratio (oriented so that
 * positive is worse), its mean as the estimate and a seeded bootstrap interval over rounds.
 * Log-ratios make +10% and -10% symmetric and let rounds at different absolute levels (a noisy
 * machine drifting) still pair up.
 */
export function compareMetric(input: CompareInput): Comparison {
  const { metric, baseline, instrumented, budgetPct, higherIsWorse, seed } = input;
  const resamples = input.resamples ?? DEFAULT_RESAMPLES;
  const minRounds = input.minRounds ?? DEFAULT_MIN_ROUNDS;
  if (baseline.length !== instrumented.length) {
    throw new Error(`compareMetric(${metric}): ${baseline.length} baseline rounds vs ${instrumented.length} instrumented`);
  }
  const logRatios: number[] = [];
  for (let i = 0; i < baseline.length; i++) {
    const b = baseline[i];
    const x = instrumented[i];
    if (!(b > 0) || !(x > 0) || !Number.isFinite(b) || !Number.isFinite(x)) continue;
    logRatios.push(higherIsWorse ? Math.log(x / b) : Math.log(b / x));
  }
  const base: Comparison = {
    metric, budgetPct, estimatePct: null, ciLowPct: null, ciHighPct: null, verdict: 'inconclusive',
    rounds: logRatios.length, baselineMedian: median(baseline), instrumentedMedian: median(instrumented),
  };
  if (logRatios.length === 0) return { ...base, note: 'No usable rounds (zero or missing values)' };

  const ci = bootstrapMean(logRatios, createRng(seed), resamples);
  const estimatePct = toPct(ci.estimate);
  const ciLowPct = toPct(ci.low);
  const ciHighPct = toPct(ci.high);
  let verdict: Verdict = ciHighPct <= budgetPct ? 'pass' : ciLowPct > budgetPct ? 'fail' : 'inconclusive';
  let note = describeInterval(ciLowPct, ciHighPct, budgetPct);
  if (logRatios.length < minRounds) {
    verdict = 'inconclusive';
    note = `Only ${logRatios.length} valid round(s), fewer than ${minRounds}: cannot decide`;
  }
  return { ...base, estimatePct, ciLowPct, ciHighPct, verdict, note };
}

/** criterion.rs-style reading of an interval against a budget. */
export function describeInterval(low: number, high: number, budget: number): string {
  if (low > budget) return 'Performance has regressed beyond the budget';
  if (high <= budget) {
    if (low <= 0 && high >= 0) return 'No change in performance detected';
    if (high < 0) return 'Performance has improved';
    return 'Change within the budget';
  }
  return 'Change within noise: the interval spans the budget';
}

export function median(xs: readonly number[]): number | null {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

const rank: Record<Verdict, number> = { pass: 0, inconclusive: 1, fail: 2 };

/** The worst of several verdicts: fail > inconclusive > pass; nothing decided is inconclusive. */
export function overallVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.length === 0) return 'inconclusive';
  return verdicts.reduce((worst, v) => (rank[v] > rank[worst] ? v : worst), 'pass' as Verdict);
}

/** A scenario fails on any failed budget or on an exactness mismatch (a metrics system that miscounts). */
export function scenarioVerdict(comparisons: readonly Comparison[], exactnessOk: boolean | null = null): Verdict {
  if (exactnessOk === false) return 'fail';
  return overallVerdict(comparisons.map((c) => c.verdict));
}
