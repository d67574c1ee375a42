import { normalUpperTail } from '../stats/bootstrap.ts';
import { withPairLuck } from '../stats/processes.ts';
import { fromPct, toPct } from '../stats/compare.ts';

/**
 * The arithmetic of calibration, pure: how small a change a run of R rounds can find (minimum
 * detectable effect), how many rounds a target needs, which burn sizes make which expected
 * overheads, and whether an interval covers the truth and is as wide as the truth needs.
 *
 * The model: per round, the change of a metric (log-ratio, or percentage points for a `pp`
 * metric) is the true change plus noise of standard deviation `sd`; the estimate is the mean of R
 * rounds, so its standard error is sd / sqrt(R). For the percent metrics, which the gate reads by
 * their Hodges-Lehmann shift, `sd` is the one their A/A intervals imply (`sdFromHalfWidths`). A two-sided test at level alpha has power 1 - beta
 * against a true change of (z_{1-alpha/2} + z_{1-beta}) * sd / sqrt(R). This is the normal (large
 * R) approximation: the gate's expanded-percentile bootstrap behaves like a t interval, which at
 * 5 rounds is wider still, so the MDE here is a lower bound at small R.
 */

/** z_{0.975}: two-sided alpha = 0.05. */
export const Z_ALPHA = 1.959963984540054;
/** z_{0.80}: power 80% (beta = 0.2). */
export const Z_POWER = 0.8416212335729143;
const Z_SUM = Z_ALPHA + Z_POWER;

/** How a metric's change is expressed (result/metrics.ts): log-ratio as percent, or percentage points. */
export type ChangeKind = 'pct' | 'pp';

/** A percent change as the log-ratio that makes it, and back. */
export const pctToLog = fromPct;
export const logToPct = toPct;

/**
 * The pooled within-group standard deviation: each group (one repeat's rounds) about its own mean,
 * so a shift between repeats (a process placed on a slower core) does not count as round noise.
 * Null when no group has two values.
 */
export function pooledSd(groups: readonly (readonly number[])[]): number | null {
  let ss = 0;
  let df = 0;
  for (const g of groups) {
    if (g.length < 2) continue;
    const m = g.reduce((s, x) => s + x, 0) / g.length;
    for (const x of g) ss += (x - m) ** 2;
    df += g.length - 1;
  }
  return df > 0 ? Math.sqrt(ss / df) : null;
}

/**
 * The per-round sd that the intervals the gate actually drew imply: a two-sided 95% interval of
 * half-width h over n rounds is what rounds of sd h * sqrt(n) / z_{0.975} give. For the percent
 * metrics, judged by the Hodges-Lehmann shift (harness/stats/hodges-lehmann.ts), there is no
 * closed-form sd to pool: the signed-rank interval's width depends on the rounds' shape (a few
 * far-out rounds barely widen it; several on one side do). So their MDE comes from the A/A
 * intervals themselves, their root mean square half-width, in the change's own scale (log-ratio).
 * Null without an interval.
 */
export function sdFromHalfWidths(halfWidths: readonly number[], rounds: number): number | null {
  if (halfWidths.length === 0 || !(rounds > 0)) return null;
  const rms = Math.sqrt(halfWidths.reduce((s, h) => s + h * h, 0) / halfWidths.length);
  return (rms * Math.sqrt(rounds)) / Z_ALPHA;
}

/** The MDE in the change's own scale (log-ratio or pp): (z_{1-a/2} + z_{1-b}) * sd / sqrt(rounds). */
export function mde(sd: number, rounds: number): number {
  return (Z_SUM * sd) / Math.sqrt(rounds);
}

/** The MDE as a metric reads it: percent for a log-ratio metric, percentage points for a `pp` one. */
export function mdePct(sd: number | null, rounds: number, kind: ChangeKind): number | null {
  if (sd === null || !(rounds > 0)) return null;
  const m = mde(sd, rounds);
  return kind === 'pct' ? logToPct(m) : m;
}

/** Rounds needed for the MDE to reach `targetPct` (a budget): ((z + z) * sd / target)^2, rounded up. */
export function roundsFor(sd: number | null, targetPct: number, kind: ChangeKind): number | null {
  if (sd === null || !(targetPct > 0)) return null;
  const target = kind === 'pct' ? pctToLog(targetPct) : targetPct;
  // The epsilon keeps an exact fit (the MDE at n rounds asked back) at n, not n + 1 by rounding.
  return Math.max(1, Math.ceil(((Z_SUM * sd) / target) ** 2 - 1e-9));
}

/** The overhead in percent that `burnUs` of CPU adds to a request that costs `baselineUs`. */
export function expectedPct(burnUs: number, baselineUs: number): number {
  return (100 * burnUs) / baselineUs;
}

/** The injected levels: multiples of the budget. */
export const BURN_MULTIPLES = [0, 0.5, 1, 2] as const;

export interface BurnLevel {
  /** The multiple of the budget this level aims at. */
  multiple: number;
  burnUs: number;
  /** What the whole microseconds of burnUs add, in percent of the baseline's CPU per request. */
  expectedPct: number;
}

/**
 * Burn sizes whose expected CPU-per-request overhead is each multiple of the budget, in whole
 * microseconds (the daemon's knob), strictly increasing after the zero level even when the
 * baseline is so cheap that rounding would make two levels equal.
 */
export function burnLevels(baselineUs: number, budgetPct: number, multiples: readonly number[] = BURN_MULTIPLES): BurnLevel[] {
  const out: BurnLevel[] = [];
  for (const multiple of multiples) {
    let burnUs = Math.round((multiple * budgetPct * baselineUs) / 100);
    const prev = out.at(-1);
    if (prev && multiple > prev.multiple && burnUs <= prev.burnUs) burnUs = prev.burnUs + 1;
    out.push({ multiple, burnUs, expectedPct: expectedPct(burnUs, baselineUs) });
  }
  return out;
}

/** Whether [low, high] holds `truth`; null when the interval is missing. */
export function covers(low: number | null, high: number | null, truth: number): boolean | null {
  if (low === null || high === null) return null;
  return low <= truth && truth <= high;
}

/** One interval whose truth is known: an A/A run (truth 0) or an injected level (truth its expected). Percent. */
export interface KnownTruth {
  truthPct: number;
  estimatePct: number;
  ciLowPct: number;
  ciHighPct: number;
}

/**
 * Whether the intervals are as wide as the truth needs: each miss of the truth measured in
 * standard errors, z = (estimate - truth) / (the half-width on the truth's side / z_{0.975}), in
 * log-ratio. Honest 95% intervals make z standard normal, so sum z^2 is chi-square on n degrees of
 * freedom and `scale` = sqrt(mean z^2) is about 1. Coverage (how many hold the truth) says the same
 * coarsely: at 4 intervals, 3 of 4 is what honest ones give 17% of the time; z counts by how far
 * each missed. `scale` is the factor the intervals would have to widen by: at one pair of processes
 * it measures the luck each pair carries and its rounds cannot see (processes.ts). `pValue` is the
 * chi-square upper tail (Wilson-Hilferty), the chance of a scale this large from honest intervals.
 * Null below two intervals of some width.
 */
export function intervalHonesty(known: readonly KnownTruth[]): { n: number; scale: number; chiSquare: number; pValue: number } | null {
  const zs = known.flatMap((k) => {
    const est = pctToLog(k.estimatePct);
    const truth = pctToLog(k.truthPct);
    const up = pctToLog(k.ciHighPct) - est;
    const down = est - pctToLog(k.ciLowPct);
    // An estimate on its interval's edge (few rounds) leaves that side no width: the other side
    // stands in, so the miss is still counted; an interval of no width at all says nothing.
    const toward = truth >= est ? up : down;
    const side = toward > 0 ? toward : Math.max(up, down);
    return side > 0 ? [((est - truth) * Z_ALPHA) / side] : [];
  });
  const n = zs.length;
  if (n < 2) return null;
  const chiSquare = zs.reduce((s, z) => s + z * z, 0);
  // Wilson-Hilferty: (X/n)^(1/3) is close to normal with mean 1 - 2/(9n) and variance 2/(9n).
  const v = 2 / (9 * n);
  const pValue = normalUpperTail(((chiSquare / n) ** (1 / 3) - (1 - v)) / Math.sqrt(v));
  return { n, scale: Math.sqrt(chiSquare / n), chiSquare, pValue };
}

/** A known-truth interval in log-ratio: its miss of the truth and its standard error (mean half-width / z). */
export function logMiss(k: KnownTruth): { miss: number; se: number } {
  const se = (pctToLog(k.ciHighPct) - pctToLog(k.ciLowPct)) / (2 * Z_ALPHA);
  return { miss: pctToLog(k.estimatePct) - pctToLog(k.truthPct), se };
}

/**
 * The luck of one pair of processes, in log-ratio: the sd of the offset a pair carries for its
 * whole life, which its rounds cannot see. For an interval of the rounds alone with a known truth,
 * over `processes` P pairs, the miss has variance se^2 + pairSd^2 / P (its rounds' noise, then the
 * mean of its pairs' luck), so by the method of moments pairSd^2 = P mean(miss^2 - se^2), floored
 * at 0. The intervals must be the rounds' alone (calibration gives those: roundsAlone in
 * summarise.ts); one that counts the luck already would read none. Null below two intervals.
 */
export function pairLuckSd(known: readonly KnownTruth[], processes = 1): number | null {
  return pooledTau(known.map((k) => missEvidence(k, processes)))?.sd ?? null;
}

/** One known truth's miss as evidence of a pair's luck (pairLuckSd): P (miss^2 - se^2), unfloored, one degree of freedom. */
export function missEvidence(k: KnownTruth, processes = 1): { tau2: number; df: number } {
  const { miss, se } = logMiss(k);
  return { tau2: processes * (miss * miss - se * se), df: 1 };
}

/**
 * Estimates of a luck's variance (tau^2, log-ratio, each unfloored so that their mean stays
 * unbiased) pooled by their degrees of freedom, the sd floored at 0 after pooling; null below two
 * degrees. `n`: the degrees pooled.
 */
export function pooledTau(estimates: readonly { tau2: number; df: number }[]): { sd: number; n: number } | null {
  const n = estimates.reduce((s, e) => s + e.df, 0);
  if (n < 2) return null;
  return { sd: Math.sqrt(Math.max(0, estimates.reduce((s, e) => s + e.df * e.tau2, 0) / n)), n };
}

/**
 * Whether the luck, once added, makes the intervals honest, judged out of sample: each interval
 * widened by the luck of its `processes` pairs' mean that the others measured (leave one out, so no
 * interval vouches for itself), then scored as intervalHonesty scores, and counted as holding its
 * truth or not. `luckWithout(i)`: the luck measured without interval i's run, where it comes from
 * other evidence than these intervals (by default pairLuckSd of the others). Null below three
 * intervals (two to estimate from, one to judge).
 */
export function pairLuckHonesty(
  known: readonly KnownTruth[],
  processes = 1,
  luckWithout: (i: number) => number | null = (i) => pairLuckSd(known.filter((_, j) => j !== i), processes),
): { honesty: ReturnType<typeof intervalHonesty>; covered: number; n: number } | null {
  if (known.length < 3) return null;
  const widened = known.map((k, i) => ({ ...k, ...widenByPairLuck(k, (luckWithout(i) ?? 0) / Math.sqrt(processes)) }));
  const covered = widened.filter((k) => covers(k.ciLowPct, k.ciHighPct, k.truthPct)).length;
  return { honesty: intervalHonesty(widened), covered, n: widened.length };
}

/** A known-truth interval widened by a pair's luck (harness/stats/processes.ts, withPairLuck), in percent. */
function widenByPairLuck(k: KnownTruth, pairSd: number): { ciLowPct: number; ciHighPct: number } {
  const w = withPairLuck({ estimate: pctToLog(k.estimatePct), low: pctToLog(k.ciLowPct), high: pctToLog(k.ciHighPct) }, pairSd);
  return { ciLowPct: logToPct(w.low), ciHighPct: logToPct(w.high) };
}

/**
 * The MDE once the pairs' luck counts too: the rounds' standard error and the luck of the mean of
 * `processes` pairs (pairSd / sqrt(P)) in quadrature.
 */
export function mdeWithPairLuckPct(mdePctOfRounds: number, pairSd: number, processes = 1): number {
  return logToPct(Math.hypot(pctToLog(mdePctOfRounds), (Z_SUM * pairSd) / Math.sqrt(processes)));
}
