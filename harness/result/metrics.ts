import type { MetricName, WindowResult } from './schema.ts';

/** What each compared metric is: the run loop compares by it, the reports label and format by it. */
export interface MetricInfo {
  label: string;
  unit: string;
  higherIsWorse: boolean;
  /**
   * How a change is measured: `pct`, the per-round log-ratio as a percent change; `pp`, the
   * per-round difference in percentage points (a rate that may be 0 in the baseline, where a
   * ratio means nothing).
   */
  change: 'pct' | 'pp';
  /** The window's value for this metric, or null when the window did not measure it. */
  value(window: WindowResult): number | null;
  /** A percentile's share of requests beyond it (0.01 for p99): how many requests a window's value rests on. */
  tailShare?: number;
}

export const METRICS: Record<MetricName, MetricInfo> = {
  p50: { label: 'p50 latency', unit: 'us', higherIsWorse: true, change: 'pct', tailShare: 0.5, value: (r) => r.latencyUs?.p50 ?? null },
  p95: { label: 'p95 latency', unit: 'us', higherIsWorse: true, change: 'pct', tailShare: 0.05, value: (r) => r.latencyUs?.p95 ?? null },
  p99: { label: 'p99 latency', unit: 'us', higherIsWorse: true, change: 'pct', tailShare: 0.01, value: (r) => r.latencyUs?.p99 ?? null },
  throughput: { label: 'throughput', unit: 'req/s', higherIsWorse: false, change: 'pct', value: (r) => r.throughput },
  cpuPerRequest: { label: 'CPU per request', unit: 'us', higherIsWorse: true, change: 'pct', value: (r) => r.cpuPerRequestUs },
  errorRate: {
    label: 'error rate', unit: '%', higherIsWorse: true, change: 'pp',
    // Errors over finished requests; `errors` also counts faults that belong to no request.
    value: (r) => (r.requests > 0 ? (100 * r.errors) / r.requests : null),
  },
  nsPerOp: { label: 'ns per operation', unit: 'ns', higherIsWorse: true, change: 'pct', value: (r) => r.nsPerOp ?? null },
};

/** The metrics a realistic scenario compares, in this order (the order seeds each comparison). */
export const REALISTIC_METRICS = ['p50', 'p95', 'p99', 'throughput', 'cpuPerRequest', 'errorRate'] as const satisfies readonly MetricName[];

/** The errorRate budget, in percentage points, of a scenario that gives none. */
export const DEFAULT_ERROR_RATE_BUDGET_PP = 0.1;
