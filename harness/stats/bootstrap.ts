import type { Rng } from '../../fakes/latency.ts';

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/**
 * Percentile bootstrap of the mean: resample the rounds with replacement, take the 2.5th and
 * 97.5th percentiles of the resampled means. The round is the unit (DESIGN.md): samples inside
 * a round are not independent, rounds are.
 */
export function bootstrapMean(xs: readonly number[], rng: Rng, resamples: number, level = 0.95): Interval {
  const n = xs.length;
  const estimate = mean(xs);
  if (n < 2) return { estimate, low: estimate, high: estimate };
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[Math.floor(rng() * n)];
    means[r] = s / n;
  }
  means.sort();
  const tail = (1 - level) / 2;
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))];
  return { estimate, low: at(tail), high: at(1 - tail) };
}
