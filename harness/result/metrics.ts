import type { MetricName, WindowResult } from './schema.ts';

/** What each compared metric is: the run loop compares by it, the reports label and format by it. */
export interface MetricInfo {
  label: string;
  unit: string;
  higherIsWorse: boolean;
  /** The window's value for this metric, or null when the window did not measure it. */
  value(window: WindowResult): number | null;
}

export const METRICS: Record<MetricName, MetricInfo> = {
  p50: { label: 'p50 latency', unit: 'us', higherIsWorse: true, value: (r) => r.latencyUs?.p50 ?? null },
  p95: { label: 'p95 latency', unit: 'us', higherIsWorse: true, value: (r) => r.latencyUs?.p95 ?? null },
  p99: { label: 'p99 latency', unit: 'us', higherIsWorse: true, value: (r) => r.latencyUs?.p99 ?? null },
  throughput: { label: 'throughput', unit: 'req/s', higherIsWorse: false, value: (r) => r.throughput },
  cpuPerRequest: { label: 'CPU per request', unit: 'us', higherIsWorse: true, value: (r) => r.cpuPerRequestUs },
  nsPerOp: { label: 'ns per operation', unit: 'ns', higherIsWorse: true, value: (r) => r.nsPerOp ?? null },
};

/** The metrics a realistic scenario compares, in this order (the order seeds each comparison). */
export const REALISTIC_METRICS = ['p50', 'p95', 'p99', 'throughput', 'cpuPerRequest'] as const satisfies readonly MetricName[];
