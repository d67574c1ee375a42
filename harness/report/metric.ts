import type { MetricName, RoundResult } from '../result/schema.ts';
import { fmtNs, fmtNumber, fmtUs } from './format.ts';

/** What each compared metric is, for labels and for pulling its per-round value. */
export interface MetricInfo {
  label: string;
  unit: string;
  higherIsWorse: boolean;
  /** The round's value for this metric, or null when the round did not measure it. */
  value(round: RoundResult): number | null;
}

export const METRICS: Record<MetricName, MetricInfo> = {
  p50: { label: 'p50 latency', unit: 'us', higherIsWorse: true, value: (r) => r.latencyUs?.p50 ?? null },
  p95: { label: 'p95 latency', unit: 'us', higherIsWorse: true, value: (r) => r.latencyUs?.p95 ?? null },
  p99: { label: 'p99 latency', unit: 'us', higherIsWorse: true, value: (r) => r.latencyUs?.p99 ?? null },
  throughput: { label: 'throughput', unit: 'req/s', higherIsWorse: false, value: (r) => r.throughput },
  cpuPerRequest: { label: 'CPU per request', unit: 'us', higherIsWorse: true, value: (r) => r.cpuPerRequestUs },
  nsPerOp: { label: 'ns per operation', unit: 'ns', higherIsWorse: true, value: (r) => r.nsPerOp ?? null },
};

export function metricLabel(metric: MetricName): string {
  return METRICS[metric].label;
}

/** A metric's value with its unit, for tables ("12.3 ms", "812 req/s", "590 ns"). */
export function fmtMetricValue(metric: MetricName, v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return 'n/a';
  const unit = METRICS[metric].unit;
  if (unit === 'us') return fmtUs(v);
  if (unit === 'ns') return fmtNs(v);
  return `${fmtNumber(v, 1)} ${unit}`;
}
