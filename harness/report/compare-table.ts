import { fmtBudget, fmtInterval, fmtPct } from './format.ts';
import { fmtMetricValue, metricLabel } from './metric.ts';
import type { CompareOutcome } from './compare-results.ts';
import { comparisonWords, VERDICT_TEXT } from './wording.ts';

/** The console view of a comparison: one row per scenario and metric, then what could not be paired. */
export function compareTable(outcome: CompareOutcome): string {
  const header = ['scenario', 'metric', 'OLD', 'NEW', 'change', '95% CI', 'budget', 'verdict', 'reading'];
  const rows: string[][] = [];
  for (const s of outcome.result.scenarios) {
    for (const c of s.comparisons) {
      rows.push([
        s.name, metricLabel(c.metric), fmtMetricValue(c.metric, c.baselineMedian), fmtMetricValue(c.metric, c.instrumentedMedian),
        fmtPct(c.estimatePct), fmtInterval(c.ciLowPct, c.ciHighPct), fmtBudget(c.budgetPct), VERDICT_TEXT[c.verdict], comparisonWords(c),
      ]);
    }
    if (s.comparisons.length === 0) rows.push([s.name, '(none)', '', '', '', '', '', VERDICT_TEXT[s.verdict], s.error ?? 'no comparable metric']);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const right = new Set([2, 3, 4, 5, 6]);
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  const r = outcome.result;
  out.push('', `${VERDICT_TEXT[r.verdict]}: NEW vs OLD over ${r.comparisonsMade ?? rows.length} comparison(s); change = NEW relative to OLD, positive = worse (for throughput, a drop); OLD/NEW are medians over the paired rounds.`);
  if (outcome.onlyOld.length) out.push(`only in OLD (not compared): ${outcome.onlyOld.join(', ')}`);
  if (outcome.noMetric.length) out.push(`without the requested metric (not compared): ${outcome.noMetric.join(', ')}`);
  if (outcome.onlyNew.length) out.push(`only in NEW (not compared): ${outcome.onlyNew.join(', ')}`);
  for (const [name, d] of Object.entries(outcome.unpaired)) {
    out.push(`${name}: rounds paired by run order; ${d.old ? `${d.old} surplus OLD` : `${d.new} surplus NEW`} round(s) left out`);
  }
  return out.join('\n') + '\n';
}
