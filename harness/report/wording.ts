import type { Comparison, Verdict } from '../result/schema.ts';
import { fmtBudget, fmtInterval, fmtPct } from './format.ts';
import { metricLabel } from './metric.ts';

/**
 * criterion.rs-style plain words for a comparison. compareMetric already writes a `note`; this is
 * the fallback for results that lack one (older files, other producers), from the numbers alone.
 */
export function comparisonWords(c: Comparison): string {
  if (c.note) return c.note;
  if (c.ciLowPct == null || c.ciHighPct == null) return 'Not measured: no usable rounds';
  if (c.ciLowPct > c.budgetPct) return 'Performance has regressed beyond the budget';
  if (c.ciHighPct <= c.budgetPct) {
    if (c.ciLowPct <= 0 && c.ciHighPct >= 0) return 'No change in performance detected';
    if (c.ciHighPct < 0) return 'Performance has improved';
    return 'Change within the budget';
  }
  return 'Change within noise: the interval spans the budget';
}

/** One line with every number a reader needs: "p99 latency: +1.20% [−0.40%, +2.80%] vs budget +5% (8 rounds)". */
export function comparisonLine(c: Comparison): string {
  const rounds = c.rounds != null ? ` over ${c.rounds} round${c.rounds === 1 ? '' : 's'}` : '';
  return `${metricLabel(c.metric)} overhead ${fmtPct(c.estimatePct)} ${fmtInterval(c.ciLowPct, c.ciHighPct)} (95% CI${rounds}), budget ${fmtBudget(c.budgetPct)}`;
}

export const VERDICT_TEXT: Record<Verdict, string> = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE' };
