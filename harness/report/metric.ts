import { METRICS } from '../result/metrics.ts';
import type { MetricName } from '../result/schema.ts';
import { fmtNs, fmtNumber, fmtUs, MISSING } from '../../common/format.ts';

export function metricLabel(metric: MetricName): string {
  return METRICS[metric].label;
}

/** A metric's value with its unit, for tables ("12.3 ms", "812 req/s", "590 ns"). */
export function fmtMetricValue(metric: MetricName, v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return MISSING;
  const unit = METRICS[metric].unit;
  if (unit === 'us') return fmtUs(v);
  if (unit === 'ns') return fmtNs(v);
  return `${fmtNumber(v, 1)} ${unit}`;
}
