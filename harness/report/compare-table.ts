import { textTable, type Column } from '../../common/table.ts';
import { fmtChangeOf, fmtComparisonBudget, fmtIntervalOf, fmtMetricValue, metricLabel } from './metric.ts';
import type { CompareOutcome } from './compare-results.ts';
import { comparisonWords, VERDICT_TEXT } from './wording.ts';

const COLUMNS: Column[] = [
  { header: 'scenario' }, { header: 'metric' }, { header: 'OLD', align: 'right' }, { header: 'NEW', align: 'right' },
  { header: 'change', align: 'right' }, { header: '95% CI', align: 'right' }, { header: 'budget', align: 'right' },
  { header: 'verdict' }, { header: 'reading' },
];

/** The console view of a comparison: one row per scenario and metric, then what could not be paired. */
export function compareTable(outcome: CompareOutcome): string {
  const rows: string[][] = [];
  for (const s of outcome.result.scenarios) {
    for (const c of s.comparisons) {
      rows.push([
        s.name, metricLabel(c.metric), fmtMetricValue(c.metric, c.baselineMedian), fmtMetricValue(c.metric, c.instrumentedMedian),
        fmtChangeOf(c.metric, c.estimatePct), fmtIntervalOf(c.metric, c.ciLowPct, c.ciHighPct), fmtComparisonBudget(c), VERDICT_TEXT[c.verdict], comparisonWords(c),
      ]);
    }
    if (s.comparisons.length === 0) rows.push([s.name, '(none)', '', '', '', '', '', VERDICT_TEXT[s.verdict], s.error ?? 'no comparable metric']);
  }
  const out = [textTable(COLUMNS, rows)];
  const r = outcome.result;
  out.push('', `${VERDICT_TEXT[r.verdict]}: NEW vs OLD over ${r.comparisonsMade ?? rows.length} comparison(s); change = NEW relative to OLD, positive = worse (for throughput, a drop; error rate: difference in percentage points); OLD/NEW are medians over the paired rounds.`);
  if (outcome.onlyOld.length) out.push(`only in OLD (not compared): ${outcome.onlyOld.join(', ')}`);
  if (outcome.noMetric.length) out.push(`without the requested metric (not compared): ${outcome.noMetric.join(', ')}`);
  if (outcome.onlyNew.length) out.push(`only in NEW (not compared): ${outcome.onlyNew.join(', ')}`);
  for (const [name, d] of Object.entries(outcome.unpaired)) {
    out.push(`${name}: rounds paired by run order; ${d.old ? `${d.old} surplus OLD` : `${d.new} surplus NEW`} round(s) left out`);
  }
  return out.join('\n') + '\n';
}
