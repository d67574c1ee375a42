import type { StageLatency } from './types.ts';

/**
 * Percentiles from fixed histogram buckets (prom-client, OpenTelemetry): the upper bound of the
 * bucket holding the q-th value, which is what a Prometheus user gets from histogram_quantile
 * without interpolation. `counts[i]` is the count in (bounds[i-1], bounds[i]]; one extra count
 * past the last bound is the overflow bucket.
 */
export function bucketLatency(bounds: readonly number[], counts: readonly number[], max?: number): StageLatency {
  let count = 0;
  for (const c of counts) count += c;
  if (count === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const top = max ?? upperOf(bounds, counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0));
  const at = (q: number): number => {
    const rank = Math.ceil(q * count);
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) return Math.min(upperOf(bounds, i), top);
    }
    return top;
  };
  return { count, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: top };
}

function upperOf(bounds: readonly number[], i: number): number {
  return i < bounds.length ? bounds[i] : bounds[bounds.length - 1] * 2;
}

/** Bucket bounds in microseconds shared by prom and otel: 10 us .. ~84 s, doubling. */
export const LATENCY_BOUNDS_US: readonly number[] = Array.from({ length: 24 }, (_, i) => 10 * 2 ** i);
