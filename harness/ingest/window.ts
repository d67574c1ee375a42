import type { LatencySummary, WindowResult } from '../result/schema.ts';

/**
 * What one measured window of another tool's run comes to, before it becomes a WindowResult:
 * the same quantities the driver reports (finished requests, errors among them, latency in
 * microseconds), so the same statistics apply. Target CPU and RSS are unknown: the other tool
 * does not measure them, and the comparison leaves cpuPerRequest out (compare-rounds.ts).
 */
export interface IngestedWindow {
  /** Finished requests, errors included. */
  requests: number;
  errors: number;
  errorsByKind?: Record<string, number>;
  durationSec: number;
  /** Null when the tool did not give every percentile the result needs (autocannon has no p95). */
  latencyUs: LatencySummary | null;
  /** HdrHistogram (microseconds, compressed base64) when the tool gave raw samples. */
  histogram: string | null;
  /** Figures the result has no field for (autocannon's own percentiles). */
  extra?: Record<string, number>;
}

/**
 * As the run loop's window-result.ts: throughput counts successful requests (a target that fails
 * fast must not look faster); a window with no finished request is not valid.
 */
export function toWindowResult(w: IngestedWindow, round: number, variant: 'baseline' | 'instrumented'): WindowResult {
  const result: WindowResult = {
    round,
    variant,
    // Separate runs, one per variant: the baseline's ran first.
    order: variant === 'baseline' ? 0 : 1,
    requests: w.requests,
    errors: w.errors,
    throughput: w.durationSec > 0 ? Math.max(0, w.requests - w.errors) / w.durationSec : 0,
    latencyUs: w.latencyUs,
    histogram: w.histogram,
    cpuUs: null,
    cpuPerRequestUs: null,
    rssBytes: null,
    driverCpuPct: null,
    valid: w.requests > 0 && w.durationSec > 0,
  };
  if (!result.valid) result.invalidReason = w.requests > 0 ? 'no duration' : 'no request completed';
  if (w.errorsByKind && Object.keys(w.errorsByKind).length > 0) result.errorsByKind = w.errorsByKind;
  if (w.extra && Object.keys(w.extra).length > 0) result.extra = w.extra;
  return result;
}
