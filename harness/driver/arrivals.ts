import type { Rng } from '../../common/latency.ts';

/**
 * Inter-arrival times of the open model, in ms. `poisson`: exponential gaps (independent
 * arrivals, what many users produce); `uniform`: evenly spaced at exactly 1/rate.
 */
export function interArrival(kind: 'poisson' | 'uniform', ratePerSec: number, rng: Rng): () => number {
  const meanMs = 1000 / ratePerSec;
  if (kind === 'uniform') return () => meanMs;
  return () => -Math.log(1 - rng()) * meanMs;
}
