import { DEFAULT_ALPHA, normalQuantile, tQuantile } from './bootstrap.ts';
import { hodgesLehmann } from './hodges-lehmann.ts';

/**
 * The interval when a scenario's rounds ran in several pairs of processes (`processes`, started
 * afresh one pair after the other): the process pair is the unit, the rounds only measure it.
 *
 * Why: each process has luck of its own for its whole life (what the JIT inlined, code and heap
 * layout). `fast` vs `none` in hot-path-open, 11 runs of 12 rounds at `ci` (2026-12-01): every
 * run's own interval was about +-1%, yet the runs' estimates spread from +0.5% to +4.3% (sd 1.3%);
 * two runs' intervals did not even overlap. An interval over the rounds of one pair of processes
 * measures that pair, not the build; a verdict from it flips between runs near a budget.
 *
 * The method (the balanced one-way random-effects model, as Kalibera & Jones, "Rigorous benchmarking
 * in reasonable time", ISMM 2013, for executions and iterations): each pair's own estimate (the
 * Hodges-Lehmann shift of its rounds, robust to a window hit by a GC or a compile, or their mean
 * for `mean`), then their mean with Student's t on P - 1 degrees of freedom. The spread between the
 * pairs' estimates holds both the within-process noise and the between-process luck, so the
 * interval covers the build's effect whatever their mix; with equal rounds per pair it is exact
 * for normal data. The price is the degrees of freedom: at P = 3 the interval is 4.3 standard
 * errors wide each way (2.6 at P = 6), hence few rounds per pair and more pairs.
 */
export interface ProcessInterval {
  estimate: number;
  low: number | null;
  high: number | null;
  /** Pairs of processes with at least one usable round. */
  processes: number;
}

/** Each pair's estimate from its changes (one value per round). */
export function processEstimates(changesByProcess: readonly (readonly number[])[], estimator: 'mean' | 'hodges-lehmann'): number[] {
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return changesByProcess.filter((xs) => xs.length > 0).map((xs) => (estimator === 'mean' ? mean(xs) : hodgesLehmann(xs)));
}

/** Mean of the pairs' estimates and its t interval; no interval from fewer than two pairs. */
export function processInterval(changesByProcess: readonly (readonly number[])[], estimator: 'mean' | 'hodges-lehmann', alpha = DEFAULT_ALPHA): ProcessInterval {
  const e = processEstimates(changesByProcess, estimator);
  const p = e.length;
  if (p === 0) return { estimate: Number.NaN, low: null, high: null, processes: 0 };
  const m = e.reduce((s, x) => s + x, 0) / p;
  if (p < 2) return { estimate: m, low: null, high: null, processes: p };
  const sd = Math.sqrt(e.reduce((s, x) => s + (x - m) ** 2, 0) / (p - 1));
  const half = tQuantile(alpha / 2, p - 1) * (sd / Math.sqrt(p));
  return { estimate: m, low: m - half, high: m + half, processes: p };
}

/**
 * A one-pair interval with the pair's luck added: the same random-effects model with the
 * between-pair sd (`pairSd`, log-ratio) known from a calibration (`overbench calibrate`, pairLuck)
 * instead of estimated from pairs this run did not start. Each side's standard error, read off
 * the interval (its half-width / z), and the luck add in quadrature: sqrt(se^2 + pairSd^2), so a
 * run's own noise and its pair's offset both widen it. Calibrated, one pair of processes then
 * answers as honestly as several would, without their start-ups; the price is the same width.
 */
export function withPairLuck(ci: { estimate: number; low: number; high: number }, pairSd: number, alpha = DEFAULT_ALPHA): { low: number; high: number } {
  const z = normalQuantile(1 - alpha / 2);
  const side = (half: number) => z * Math.sqrt((half / z) ** 2 + pairSd ** 2);
  return { low: ci.estimate - side(ci.estimate - ci.low), high: ci.estimate + side(ci.high - ci.estimate) };
}

/**
 * Two pairs of processes: each one's mean change (log-ratio), and the sd of a pair's luck that
 * their spread implies (twoPairLuck).
 */
export interface TwoPairLuck {
  estimates: [number, number];
  /** tau, one pair's luck (log-ratio sd); 0 when the pairs differ no more than their rounds' noise. */
  sd: number;
}

/**
 * The pairs' luck from two pairs of processes, by the method of moments: the difference d of their
 * mean changes has variance 2 tau^2 + v1 + v2 (each pair's luck, then each mean's own noise, v =
 * s^2 / n of its rounds), so tau^2 = (d^2 - v1 - v2) / 2, floored at 0. The interval over both
 * pairs' rounds then counts the luck of their mean, tau / sqrt(2), as a calibrated luck is
 * counted (withPairLuck). Two pairs cannot estimate tau well (one degree of freedom), so this is
 * a plug-in, not an exact interval; it is continuous (a small spread widens a little, a pair with
 * a large luck of its own makes the interval too wide to decide) and needs no calibration.
 * Why: reconnect-churn at the default profile, one pair of processes, read CPU per request +13.2%
 * [+11.0%, +15.4%] in one full run and -10.3% [-12.2%, -8.4%] in the next, every round alike,
 * where it otherwise reads +1% to +3% (2026-12-01/02): a false fail that no interval over one
 * pair's rounds can see. Null when a pair has fewer than two rounds (no noise to subtract).
 */
export function twoPairLuck(changesByPair: readonly [readonly number[], readonly number[]]): TwoPairLuck | null {
  const [a, b] = changesByPair;
  if (a.length < 2 || b.length < 2) return null;
  const stats = (xs: readonly number[]) => {
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    return { m, v: xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length };
  };
  const x = stats(a);
  const y = stats(b);
  const tau2 = ((x.m - y.m) ** 2 - x.v - y.v) / 2;
  return { estimates: [x.m, y.m], sd: Math.sqrt(Math.max(0, tau2)) };
}
