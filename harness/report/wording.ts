import type { Comparison, Exactness, Verdict } from '../result/schema.ts';
import { describeInterval } from '../stats/compare.ts';
import { fmtNumber } from '../../common/format.ts';
import { fmtChangeOf, fmtComparisonBudget, fmtIntervalOf, metricLabel } from './metric.ts';

/**
 * criterion.rs-style plain words for a comparison. compareMetric already writes a `note`; this is
 * the fallback for results that lack one (older files, other producers), from the numbers alone.
 */
export function comparisonWords(c: Comparison): string {
  if (c.note) return c.note;
  if (c.ciLowPct == null || c.ciHighPct == null) return 'Not measured: no usable rounds';
  return describeInterval(c.ciLowPct, c.ciHighPct, c.budgetPct);
}

/**
 * One line with every number a reader needs: "p99 latency overhead +1.20% [-0.40%, +2.80%] (95% CI
 * over 8 rounds), budget +5% (floor 200 us)"; an error rate reads in percentage points.
 */
export function comparisonLine(c: Comparison): string {
  const rounds = c.rounds != null ? ` over ${c.rounds} round${c.rounds === 1 ? '' : 's'}` : '';
  return `${metricLabel(c.metric)} overhead ${fmtChangeOf(c.metric, c.estimatePct)} ${fmtIntervalOf(c.metric, c.ciLowPct, c.ciHighPct)} (95% CI${rounds}), budget ${fmtComparisonBudget(c)}`;
}

/** An exactness check's counts: "4,990 of 5,000 recorded". */
export const recordedOf = (e: Exactness) => `${fmtNumber(e.recorded, 0)} of ${fmtNumber(e.expected, 0)} recorded`;

export const VERDICT_TEXT: Record<Verdict, string> = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE' };
