import { createRng } from '../../common/latency.ts';
import { METRICS } from '../result/metrics.ts';
import type { Comparison, MetricName, Verdict } from '../result/schema.ts';
import { bootstrapMean } from './bootstrap.ts';
import { hodgesLehmannInterval } from './hodges-lehmann.ts';
import { pairsLuck, pooledLuck, processInterval, withPairLuck, type KnownLuck } from './processes.ts';

/** The per-round changes' summary (result/schema.ts `estimator`). */
export type Estimator = 'mean' | 'hodges-lehmann';

export interface CompareInput {
  metric: MetricName;
  /** Per-round values, paired by index with `instrumented` (same round). */
  baseline: readonly number[];
  instrumented: readonly number[];
  /** The budget as written: percent, or percentage points for a `pp` metric (errorRate). */
  budgetPct: number;
  /**
   * An absolute floor in the metric's unit (microseconds): a change smaller than it is no
   * regression. It becomes a percent of the baseline's median, and the larger budget is used.
   */
  floorUs?: number;
  /** Latency, CPU, error rate and ns/op: higher is worse. Throughput: lower is worse. */
  higherIsWorse: boolean;
  seed: number;
  resamples?: number;
  /** Fewer valid rounds than this is inconclusive whatever the numbers. */
  minRounds?: number;
  /**
   * The interval's two-sided error rate (default 0.05: a 95% interval). A sequential look uses
   * its share of the 5% (`harness/stats/sequential.ts`).
   */
  alpha?: number;
  /**
   * `mean` (default): the mean change with a seeded bootstrap interval. `hodges-lehmann`: the
   * robust shift with its signed-rank interval, for `pct` metrics only (a rate in percentage
   * points is mostly zeros, whose mean is what counts): the realistic gate's choice, says why
   * harness/stats/hodges-lehmann.ts.
   */
  estimator?: Estimator;
  /**
   * The pair of processes each round ran in (1-based, parallel to `baseline`), when the rounds
   * were spread over several (`processes`): the interval is then across pairs
   * (harness/stats/processes.ts). Absent or one pair: across rounds.
   */
  processes?: readonly number[];
  /**
   * The luck of one pair of processes (between-pair sd of the change, log-ratio), known from a
   * calibration or the scenario (harness/stats/processes.ts, KnownLuck): one pair's interval is
   * widened by it (withPairLuck); P pairs' rounds' interval by it pooled with their own spread,
   * over sqrt(P) (pooledLuck). Without it, three or more pairs give the interval across pairs.
   */
  pairLuck?: KnownLuck;
}

export const DEFAULT_RESAMPLES = 10_000;
export const DEFAULT_MIN_ROUNDS = 5;

/** A change as a log-ratio, in percent. */
export const toPct = (logRatio: number) => Math.expm1(logRatio) * 100;
/** A percent change as a log-ratio. */
export const fromPct = (pct: number) => Math.log1p(pct / 100);
const identity = (x: number) => x;

/**
 * The threshold a verdict uses: the budget as written, or the floor as a percent of the baseline's
 * median when that is larger (a 200 us floor on a 1 ms median is 20%). Without a usable median the
 * floor cannot be converted and the written budget stands.
 */
export function effectiveBudgetPct(budgetPct: number, floorUs: number | undefined, baselineMedian: number | null): number {
  if (floorUs === undefined || baselineMedian === null || !(baselineMedian > 0)) return budgetPct;
  return Math.max(budgetPct, (100 * floorUs) / baselineMedian);
}

/**
 * Per-round changes, oriented so that positive is worse. `pct` metrics: the log-ratio (rounds with
 * a zero or missing value are skipped: no ratio exists). `pp` metrics: the difference, where zero
 * is an ordinary value (no errors).
 */
export function perRoundChanges(metric: MetricName, baseline: readonly number[], instrumented: readonly number[], higherIsWorse: boolean): number[] {
  return changesByRound(metric, baseline, instrumented, higherIsWorse).filter((c): c is number => c !== null);
}

/** perRoundChanges with the rounds kept in place: null where a round has no change. */
function changesByRound(metric: MetricName, baseline: readonly number[], instrumented: readonly number[], higherIsWorse: boolean): (number | null)[] {
  const pp = METRICS[metric].change === 'pp';
  return baseline.map((b, i) => {
    const x = instrumented[i];
    if (!Number.isFinite(b) || !Number.isFinite(x)) return null;
    if (pp) return higherIsWorse ? x - b : b - x;
    return b > 0 && x > 0 ? (higherIsWorse ? Math.log(x / b) : Math.log(b / x)) : null;
  });
}

/**
 * Overhead of instrumented vs baseline for one metric: the per-round change (oriented so that
 * positive is worse), its mean as the estimate and a seeded bootstrap interval over rounds.
 * Log-ratios make +10% and -10% symmetric and let rounds at different absolute levels (a noisy
 * machine drifting) still pair up; a rate (errorRate) is compared by its difference in percentage
 * points instead, since a baseline without errors has no ratio.
 */
export function compareMetric(input: CompareInput): Comparison {
  const { metric, baseline, instrumented, higherIsWorse, seed, floorUs } = input;
  const resamples = input.resamples ?? DEFAULT_RESAMPLES;
  const minRounds = input.minRounds ?? DEFAULT_MIN_ROUNDS;
  if (baseline.length !== instrumented.length) {
    throw new Error(`compareMetric(${metric}): ${baseline.length} baseline rounds vs ${instrumented.length} instrumented`);
  }
  const byRound = changesByRound(metric, baseline, instrumented, higherIsWorse);
  const changes = byRound.filter((c): c is number => c !== null);
  const baselineMedian = median(baseline);
  const budgetPct = effectiveBudgetPct(input.budgetPct, floorUs, baselineMedian);
  const base: Comparison = {
    metric, budgetPct, estimatePct: null, ciLowPct: null, ciHighPct: null, verdict: 'inconclusive',
    ...(floorUs !== undefined && { budgetPctAsWritten: input.budgetPct, floorUs }),
    rounds: changes.length, baselineMedian, instrumentedMedian: median(instrumented),
  };
  if (changes.length === 0) return { ...base, note: 'No usable rounds (zero or missing values)' };

  const pp = METRICS[metric].change === 'pp';
  const estimator: Estimator = pp ? 'mean' : (input.estimator ?? 'mean');
  const pairs = groupByProcess(byRound, input.processes);
  const known = pp ? undefined : input.pairLuck;
  // Two pairs, or any number with a known luck: the rounds' interval, widened by the luck (t on
  // one degree of freedom would be 12.7 standard errors wide). Otherwise, across the pairs.
  const groups = pairs !== null && pairs.length !== 2 && known === undefined ? pairs : null;
  const ci = groups
    ? processInterval(groups, estimator, input.alpha)
    : estimator === 'mean' ? bootstrapMean(changes, createRng(seed), resamples, input.alpha) : hodgesLehmannInterval(changes, input.alpha);
  const scale = pp ? identity : toPct;
  const estimatePct = scale(ci.estimate);
  const withEstimator = { ...base, ...(input.estimator && { estimator }), ...(pairs && { processes: pairs.length }) };
  if (ci.low === null || ci.high === null) {
    const note = groups
      ? 'Rounds from fewer than two pairs of processes: no interval across processes, cannot decide'
      : `${changes.length} valid round(s) are too few for a ${fmtLevel(input.alpha)} signed-rank interval: cannot decide`;
    return { ...withEstimator, estimatePct, note };
  }
  const luck = groups || pp ? null : luckOfMean(pairs, known);
  const pairSd = luck !== null && luck.sd > 0 ? luck.sd : null;
  const { low, high } = pairSd === null ? { low: ci.low, high: ci.high } : withPairLuck({ estimate: ci.estimate, low: ci.low, high: ci.high }, pairSd, input.alpha);
  const ciLowPct = scale(low);
  const ciHighPct = scale(high);
  let verdict: Verdict = ciHighPct <= budgetPct ? 'pass' : ciLowPct > budgetPct ? 'fail' : 'inconclusive';
  let note = describeInterval(ciLowPct, ciHighPct, budgetPct);
  if (pairSd !== null) note += ` (the interval counts ${luck!.says}, sd ${toPct(pairSd).toFixed(1)}%, from ${luck!.from})`;
  if (changes.length < minRounds) {
    verdict = 'inconclusive';
    note = `Only ${changes.length} valid round(s), fewer than ${minRounds}: cannot decide`;
  }
  return { ...withEstimator, ...(pairSd !== null && { pairSdPct: toPct(pairSd) }), estimatePct, ciLowPct, ciHighPct, verdict, note };
}

/**
 * The luck of the mean of the pairs a percent interval came from (log-ratio sd), what it is and
 * where it came from; null when none is known or measurable (one pair, no calibration).
 * One pair: the known luck. P pairs: the known luck pooled with their own spread, or at P = 2
 * without one their spread alone (a plug-in); either over sqrt(P), the luck of a mean of P.
 */
function luckOfMean(pairs: readonly number[][] | null, known: KnownLuck | undefined): { sd: number; says: string; from: string } | null {
  if (pairs === null) return known ? { sd: known.sd, says: "one pair of processes' luck", from: known.from } : null;
  const p = pairs.length;
  const own = pairsLuck(pairs);
  const says = `the luck of ${p === 2 ? 'two' : p} pairs of processes' mean`;
  if (known) return { sd: pooledLuck(known, own && { sd: own.sd, pairs: p }) / Math.sqrt(p), says, from: `${known.from} and their spread` };
  return p === 2 && own ? { sd: own.sd / Math.SQRT2, says, from: 'their spread' } : null;
}

/** Changes grouped by their pair of processes, or null when the rounds ran in one pair (or it is not known). */
function groupByProcess(byRound: readonly (number | null)[], processes: readonly number[] | undefined): number[][] | null {
  if (processes === undefined || new Set(processes).size < 2) return null;
  if (processes.length !== byRound.length) throw new Error(`compareMetric: ${processes.length} process numbers for ${byRound.length} rounds`);
  const groups = new Map<number, number[]>();
  byRound.forEach((c, i) => {
    if (c === null) return;
    const g = groups.get(processes[i]) ?? [];
    g.push(c);
    groups.set(processes[i], g);
  });
  return [...groups.values()];
}

const fmtLevel = (alpha = 0.05) => `${+(100 * (1 - alpha)).toPrecision(4)}%`;

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
