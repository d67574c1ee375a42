import { METRICS } from '../result/metrics.ts';
import type { Comparison, MetricName } from '../result/schema.ts';
import { fmtBudget, fmtInterval, fmtNumber, fmtPct, fmtUs, fmtNs, MISSING } from '../../common/format.ts';

export function metricLabel(metric: MetricName): string {
  return METRICS[metric].label;
}

/** How a metric's change reads: percent, or percentage points (errorRate). */
export function changeUnit(metric: MetricName): 'pct' | 'pp' {
  return METRICS[metric].change;
}

/** A metric's value with its unit, for tables ("12.3 ms", "812 req/s", "590 ns", "0.25%"). */
export function fmtMetricValue(metric: MetricName, v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return MISSING;
  const unit = METRICS[metric].unit;
  if (unit === 'us') return fmtUs(v);
  if (unit === 'ns') return fmtNs(v);
  if (unit === '%') return `${fmtNumber(v, 2)}%`;
  return `${fmtNumber(v, 1)} ${unit}`;
}

const toPp = (pct: string) => pct.replace(/%$/, ' pp');

/** A change in the metric's terms: "+1.23%", or "+0.40 pp" for a rate. */
export function fmtChangeOf(metric: MetricName, x: number | null | undefined, digits?: number): string {
  const s = fmtPct(x, digits);
  return changeUnit(metric) === 'pp' && s !== MISSING ? toPp(s) : s;
}

/** "[low, high]" in the metric's terms. */
export function fmtIntervalOf(metric: MetricName, low: number | null | undefined, high: number | null | undefined, digits?: number): string {
  return fmtInterval(low, high, (x) => fmtChangeOf(metric, x, digits));
}

/** An estimate with its interval in the metric's terms: "+1.2% [-0.5%, +3.1%]", "+0.00 pp [0.00 pp, 0.00 pp]". */
export function fmtChangeWithInterval(c: Pick<Comparison, 'metric' | 'estimatePct' | 'ciLowPct' | 'ciHighPct'>, digits?: number): string {
  return c.estimatePct == null ? MISSING : `${fmtChangeOf(c.metric, c.estimatePct, digits)} ${fmtIntervalOf(c.metric, c.ciLowPct, c.ciHighPct, digits)}`;
}

/**
 * A comparison's budget as the scenario wrote it: "+5%", "+0.1 pp", and with a floor
 * "+5% (floor 200 us)", or "+5% (floor 200 us = +12.5%)" when the floor set the threshold used.
 */
export function fmtComparisonBudget(c: Pick<Comparison, 'metric' | 'budgetPct' | 'budgetPctAsWritten' | 'floorUs'>): string {
  if (changeUnit(c.metric) === 'pp') return toPp(fmtBudget(c.budgetPct));
  if (c.floorUs === undefined) return fmtBudget(c.budgetPct);
  const written = c.budgetPctAsWritten ?? c.budgetPct;
  const raised = c.budgetPct > written ? ` = ${fmtBudget(c.budgetPct)}` : '';
  return `${fmtBudget(written)} (floor ${fmtUs(c.floorUs)}${raised})`;
}
