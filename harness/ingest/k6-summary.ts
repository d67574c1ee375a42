/**
 * A k6 end-of-test summary as one measured window. Two shapes, both from k6's own source
 * (grafana/k6):
 *  - `handleSummary(data)` written with `JSON.stringify(data)`: `internal/js/summary.go`,
 *    summarizeMetricsToObject: `{ root_group, options, state: { testRunDurationMs }, metrics:
 *    { NAME: { type, contains, values: { ... } } } }`; a Trend's `values` holds one key per
 *    summaryTrendStats column (`avg`, `med`, `p(95)`...), a Counter's `count` and `rate`, a Rate's
 *    `rate`, `passes` and `fails`;
 *  - `k6 run --summary-export FILE` (the legacy export): `internal/js/summary-wrapper.js`,
 *    oldJSONSummary: the same with `options` and `state` removed, each metric's `values` lifted
 *    to the metric itself, and a Rate's `rate` renamed `value`.
 * Time Trends are in milliseconds in both (the summary time unit only changes the text output).
 */
import { UsageError } from '../../common/exit-codes.ts';
import type { LatencySummary } from '../result/schema.ts';
import { ERROR_COUNTER, HTTP_FAILED_RATE, LATENCY_TRENDS, REQUEST_COUNTERS } from './k6-names.ts';
import type { IngestedWindow } from './window.ts';

type Values = Record<string, number>;

/** The percentiles a window needs, by k6's summaryTrendStats column names. */
const COLUMNS: Record<keyof LatencySummary, string> = { p50: 'med', p95: 'p(95)', p99: 'p(99)', p999: 'p(99.9)', max: 'max', mean: 'avg' };
export const NEEDED_TREND_STATS = 'avg,med,max,p(95),p(99),p(99.9),count';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for either summary shape (an object with a `metrics` object). */
export function isK6Summary(data: unknown): boolean {
  return isObject(data) && isObject(data.metrics);
}

function valuesOf(metric: unknown): Values | undefined {
  if (!isObject(metric)) return undefined;
  const values = isObject(metric.values) ? metric.values : metric;
  const out: Values = {};
  for (const [k, v] of Object.entries(values)) if (typeof v === 'number') out[k] = v;
  return out;
}

export function ingestK6Summary(data: unknown, file: string, opts: { trend?: string } = {}): IngestedWindow {
  if (!isK6Summary(data)) throw new UsageError(`${file}: not a k6 summary (expected an object with "metrics", from --summary-export or handleSummary)`);
  const metrics = (data as { metrics: Record<string, unknown> }).metrics;
  const names = Object.keys(metrics);
  const trendName = opts.trend ?? LATENCY_TRENDS.find((n) => n in metrics);
  if (trendName === undefined || !(trendName in metrics)) {
    throw new UsageError(`${file}: no latency Trend ${opts.trend ? `"${opts.trend}"` : `(${LATENCY_TRENDS.join(' or ')})`}; metrics present: ${names.join(', ') || 'none'} (name one with --trend)`);
  }
  const trend = valuesOf(metrics[trendName])!;
  const missing = Object.values(COLUMNS).filter((c) => trend[c] === undefined);
  if (missing.length > 0) {
    throw new UsageError(`${file}: metric ${trendName} has no ${missing.join(', ')}; run k6 with --summary-trend-stats "${NEEDED_TREND_STATS}"`);
  }
  const latencyUs = Object.fromEntries(Object.entries(COLUMNS).map(([k, c]) => [k, trend[c] * 1000])) as LatencySummary;

  const counterName = REQUEST_COUNTERS.find((n) => n in metrics);
  const counter = counterName ? valuesOf(metrics[counterName]) : undefined;
  const requests = counter?.count ?? trend.count;
  if (requests === undefined) {
    throw new UsageError(`${file}: no request count (no ${REQUEST_COUNTERS.join(' or ')} counter, and ${trendName} has no "count"; add count to --summary-trend-stats)`);
  }

  // handleSummary data carries the run's duration; the legacy export does not, but every Counter
  // has count and rate = count / duration.
  const state = (data as { state?: unknown }).state;
  let durationSec = isObject(state) && typeof state.testRunDurationMs === 'number' ? state.testRunDurationMs / 1000 : undefined;
  if (durationSec === undefined && counter?.count !== undefined && counter.rate) durationSec = counter.count / counter.rate;
  if (durationSec === undefined) throw new UsageError(`${file}: no test duration (no state.testRunDurationMs and no counter with a rate)`);

  let errors = 0;
  const errorCounter = valuesOf(metrics[ERROR_COUNTER]);
  const failed = valuesOf(metrics[HTTP_FAILED_RATE]);
  if (errorCounter) errors = errorCounter.count ?? 0;
  // A Rate's `passes` are its true samples: for http_req_failed, the failed requests.
  else if (failed) errors = failed.passes ?? 0;
  return { requests, errors, durationSec, latencyUs, histogram: null };
}
