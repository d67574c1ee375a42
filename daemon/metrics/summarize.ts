import type { StageLatency } from './types.ts';

/** Percentiles of raw samples (legacy and sampled keep arrays; done on request, off the hot path). */
export function summarizeValues(values: readonly number[]): StageLatency {
  const n = values.length;
  if (n === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  // nearest-rank percentile, the definition HdrHistogram uses too
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
  return { count: n, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[n - 1] };
}
