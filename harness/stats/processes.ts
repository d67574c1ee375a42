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
 * A pair of processes' luck known from outside the run (log-ratio sd): a calibration's
 * (`--calibration`, pairLuck) or the scenario's own `pairLuck` (the figure its calibration
 * measured), with `n`, the intervals it was measured from: its weight when pooled with the pairs
 * the run started itself (pooledLuck), and `from`, for the note.
 */
export interface KnownLuck {
  sd: number;
  n: number;
  from: string;
}

/**
 * P >= 2 pairs of processes: each one's mean change (log-ratio), and the sd of a pair's luck that
 * their spread implies (pairsLuck).
 */
export interface PairsLuck {
  estimates: number[];
  /** tau, one pair's luck (log-ratio sd); 0 when the pairs differ no more than their rounds' noise. */
  sd: number;
  /** tau^2 before the floor at 0: what pooling several runs' estimates averages (unbiased, unlike sd^2). */
  tau2: number;
}

/**
 * The pairs' luck from P >= 2 pairs of processes, by the method of moments (the balanced one-way
 * random-effects model): each pair's mean change m_i has variance tau^2 + v_i (the pair's luck,
 * then the mean's own noise, v = s^2 / n of its rounds), so tau^2 = var(m) - mean(v), floored at 0.
 * At P = 2 that is (d^2 - v1 - v2) / 2, d the two means' difference. Few pairs estimate tau
 * poorly (P - 1 degrees of freedom), so alone it is a plug-in, not an exact interval; pooled with
 * a calibrated luck (pooledLuck) it is weighed as what it is. Why two pairs at all: reconnect-churn
 * at the default profile, one pair of processes, read CPU per request +13.2% [+11.0%, +15.4%] in
 * one full run and -10.3% [-12.2%, -8.4%] in the next, every round alike, where it otherwise reads
 * +1% to +3% (2026-12-01/02): a false fail that no interval over one pair's rounds can see. Null
 * with fewer than two pairs, or a pair with fewer than two rounds (no noise to subtract).
 */
export function pairsLuck(changesByPair: readonly (readonly number[])[]): PairsLuck | null {
  if (changesByPair.length < 2 || changesByPair.some((xs) => xs.length < 2)) return null;
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const pairs = changesByPair.map((xs) => {
    const m = mean(xs);
    return { m, v: xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length };
  });
  const estimates = pairs.map((p) => p.m);
  const grand = mean(estimates);
  const spread = estimates.reduce((s, m) => s + (m - grand) ** 2, 0) / (estimates.length - 1);
  const tau2 = spread - mean(pairs.map((p) => p.v));
  return { estimates, sd: Math.sqrt(Math.max(0, tau2)), tau2 };
}

/** pairsLuck of exactly two pairs (the default profile's P = 2, pairCheck). */
export function twoPairLuck(changesByPair: readonly [readonly number[], readonly number[]]): (PairsLuck & { estimates: [number, number] }) | null {
  const luck = pairsLuck(changesByPair);
  return luck && { ...luck, estimates: [luck.estimates[0], luck.estimates[1]] };
}

/**
 * A known luck and the run's own (from its P pairs, P - 1 degrees of freedom), pooled as variances
 * weighted by their degrees of freedom: sqrt((n tau0^2 + (P - 1) tau^2) / (n + P - 1)). A run
 * whose pairs disagree more than the calibration said widens its interval by that much more; a
 * calibration of a dozen intervals is not overruled by two pairs that happen to agree. Without a
 * run's own luck (one pair, or a pair of one round), the known luck as it is.
 */
export function pooledLuck(known: KnownLuck, own: { sd: number; pairs: number } | null): number {
  if (own === null || own.pairs < 2) return known.sd;
  const df = own.pairs - 1;
  return Math.sqrt((known.n * known.sd ** 2 + df * own.sd ** 2) / (known.n + df));
}
