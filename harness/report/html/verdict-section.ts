import type { Result, ScenarioResult, Verdict } from '../../result/schema.ts';
import { escapeHtml as h } from '../escape.ts';
import { fmtNumber, fmtSigned } from '../../../common/format.ts';
import { fmtChangeOf, fmtComparisonBudget, fmtIntervalOf, metricLabel } from '../metric.ts';
import type { RenderContext } from '../reporter.ts';
import { comparisonWords, recordedOf } from '../wording.ts';
import { badge } from './badge.ts';

/** The answer first: overall verdict, then every scenario's comparisons with numbers and words. */
export function verdictSection(result: Result, ctx: RenderContext): string {
  const all = result.scenarios.flatMap((s) => s.comparisons);
  const made = result.comparisonsMade ?? all.length;
  const count = (v: Verdict) => all.filter((c) => c.verdict === v).length;
  const policy = ctx.inconclusive === 'pass' ? ' Inconclusive comparisons count as passing (--inconclusive=pass).' : '';
  // Tight scenarios come in dozens (workload x backend); their own table below is the verdict for
  // them, so here they get one summary row and the realistic scenarios keep the page's top.
  const tight = result.scenarios.filter((s) => s.kind === 'tight');
  const rows = result.scenarios.filter((s) => s.kind !== 'tight').map(scenarioRows).join('') + tightSummaryRow(tight);
  return `<section id="verdict">
<div class="verdict-head">${badge(result.verdict, true)}<div>
<p><strong>${made}</strong> budget comparison${made === 1 ? '' : 's'} over <strong>${result.scenarios.length}</strong> scenario${result.scenarios.length === 1 ? '' : 's'}: ${count('pass')} pass, ${count('fail')} fail, ${count('inconclusive')} inconclusive.${policy}</p>
<p class="muted">Overhead is ${h(ctx.labels.instrumented)} relative to ${h(ctx.labels.baseline)}, positive = worse (for throughput, a drop; for the error rate, the difference in percentage points), with 95% bootstrap intervals over rounds.
A budget's floor makes a change smaller than it no regression: the threshold used is the larger of the budget and the floor as a share of the baseline's median.
A comparison passes when its whole interval is within budget, fails when the whole interval is above it, and is inconclusive otherwise.
With ${made} intervals at 95%, about ${fmtNumber(made * 0.05, 1)} may miss the true value by chance alone.</p>
</div></div>
<table>
<thead><tr><th>scenario</th><th>metric</th><th>verdict</th><th class="num">overhead</th><th class="num">95% CI</th><th class="num">budget</th><th class="num">rounds</th><th>reading</th></tr></thead>
<tbody>${rows}</tbody>
</table>
</section>`;
}

function scenarioRows(s: ScenarioResult): string {
  const rows: string[] = [];
  const anchor = `<a href="#${scenarioAnchor(s.name)}">${h(s.name)}</a> ${badge(s.verdict)}`;
  s.comparisons.forEach((c) => {
    rows.push(`<td>${h(metricLabel(c.metric))}</td><td>${badge(c.verdict)}</td><td class="num">${h(fmtChangeOf(c.metric, c.estimatePct))}</td><td class="num">${h(fmtIntervalOf(c.metric, c.ciLowPct, c.ciHighPct))}</td><td class="num">${h(fmtComparisonBudget(c))}</td><td class="num">${c.rounds ?? ''}</td><td>${h(comparisonWords(c))}</td>`);
  });
  if (s.exactness) {
    const e = s.exactness;
    rows.push(`<td>exactness</td><td>${badge(e.ok ? 'pass' : 'fail')}</td><td class="num" colspan="3">${recordedOf(e)}</td><td></td><td>${h(e.ok ? 'Every counted frame was recorded' : `Metrics miscounted by ${fmtSigned(e.recorded - e.expected)}`)}${e.detail ? ` (${h(e.detail)})` : ''}</td>`);
  }
  if (s.error) rows.push(`<td colspan="7" class="why">did not complete: ${h(s.error)}</td>`);
  if (rows.length === 0) rows.push('<td colspan="7" class="muted">no comparisons</td>');
  return rows.map((r, i) => `<tr${i === 0 ? ' class="group"' : ''}>${i === 0 ? `<td rowspan="${rows.length}">${anchor}</td>` : ''}${r}</tr>`).join('\n');
}

function tightSummaryRow(tight: readonly ScenarioResult[]): string {
  if (tight.length === 0) return '';
  const by = (v: Verdict) => tight.filter((s) => s.verdict === v);
  const worst = by('fail').length ? 'fail' : by('inconclusive').length ? 'inconclusive' : 'pass';
  const names = (v: Verdict) => by(v).map((s) => s.name.replace(/^tight\//, '')).join(', ');
  const detail = (['fail', 'inconclusive'] as const).filter((v) => by(v).length).map((v) => `${v}: ${h(names(v))}`).join('; ');
  return `<tr class="group"><td><a href="#tight">tight loop</a> ${badge(worst)}</td><td colspan="7">${tight.length} scenario${tight.length === 1 ? '' : 's'}: ${by('pass').length} pass, ${by('fail').length} fail, ${by('inconclusive').length} inconclusive${detail ? ` <span class="muted">(${detail})</span>` : ''}. Per backend in <a href="#tight">the tight-loop table</a>.</td></tr>`;
}

export const scenarioAnchor = (name: string) => `s-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
