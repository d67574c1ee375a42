import type { ScenarioResult } from '../../result/schema.ts';
import { nsInterval, nsPerOpValues, type NsInterval } from '../../stats/ns-per-op.ts';
import { fmtBudget, fmtInterval, fmtNs, fmtNumber, fmtOpsPerSec, fmtPct, MISSING } from '../../../common/format.ts';
import { escapeHtml as h } from '../escape.ts';
import type { HistoryEntry } from '../history.ts';
import { comparisonWords } from '../wording.ts';
import { badge } from './badge.ts';
import { trendChart, type ChartSpec, type Labels } from './chart-specs.ts';
import { scenarioAnchor } from './verdict-section.ts';
import { accounts } from '../../tight/account.ts';
import { accountReading, clockLine, spreadLines } from '../../tight/account-table.ts';

/** `tight/<workload>/<backend>`; anything else is its own workload with the instrumented backend's name. */
export function tightName(s: ScenarioResult): { workload: string; backend: string } {
  const m = /^tight\/([^/]+)\/(.+)$/.exec(s.name);
  if (m) return { workload: m[1], backend: m[2] };
  return { workload: s.name, backend: s.variants.instrumented.backend ?? 'instrumented' };
}

/** Mean ns/op of one variant over its valid rounds, with a 95% bootstrap interval. */
export function nsPerOpInterval(s: ScenarioResult, variant: 'baseline' | 'instrumented', seed = 1): NsInterval | null {
  return nsInterval(nsPerOpValues(s, variant), seed);
}

/** Splits texts into the sentences all of them start with and what remains of each. */
export function splitCommonSentences(texts: readonly string[]): { common: string; rest: string[] } {
  const split = texts.map((t) => t.split(/(?<=\.)\s+/).filter(Boolean));
  let n = 0;
  while (texts.length > 1 && split.every((s) => s.length > n + 1 && s[n] === split[0][n])) n++;
  const join = (parts: string[]) => parts.join(' ').replace(/\s+/g, ' ').trim();
  return { common: join(split[0]?.slice(0, n) ?? []), rest: split.map((s) => join(s.slice(n))) };
}

function exactnessCell(s: ScenarioResult): string {
  const e = s.exactness;
  if (!e) return `<span class="muted">${MISSING}</span>`;
  return e.ok ? 'exact' : `<strong class="bad">MISCOUNTED</strong><br>${fmtNumber(e.recorded, 0)} of ${fmtNumber(e.expected, 0)}${e.detail ? `<br><span class="small muted">${h(e.detail)}</span>` : ''}`;
}

const nsText = (i: NsInterval | null) => (i ? `${fmtNs(i.mean)} <span class="muted">${fmtInterval(i.low, i.high, fmtNs)}</span>` : MISSING);

/**
 * The seed-style table: per workload, the baseline's cost, then each backend's ns/op and ops/s
 * with intervals and its overhead against the baseline and the budget.
 */
export function tightSection(scenarios: readonly ScenarioResult[], labels: Labels, trend: readonly HistoryEntry[], seed?: number): { html: string; charts: ChartSpec[] } {
  if (scenarios.length === 0) return { html: '', charts: [] };
  const byWorkload = new Map<string, ScenarioResult[]>();
  for (const s of scenarios) byWorkload.set(tightName(s).workload, [...(byWorkload.get(tightName(s).workload) ?? []), s]);
  const rows: string[] = [];
  for (const [workload, list] of byWorkload) {
    const base = nsPerOpInterval(list[0], 'baseline', seed);
    const readings = list.map((s) => {
      const c = s.comparisons.find((x) => x.metric === 'nsPerOp');
      return [s.error, c && comparisonWords(c)].filter(Boolean).join('. ');
    });
    // What every backend's reading says alike (how the workload is measured) is said once, on the baseline row.
    const { common, rest } = splitCommonSentences(readings);
    rows.push(`<tr class="group"><td rowspan="${list.length + 1}"><strong>${h(workload)}</strong></td><td>${h(list[0].variants.baseline.backend ?? labels.baseline)} <span class="muted">(${h(labels.baseline)})</span></td><td class="num">${nsText(base)}</td><td class="num">${fmtOpsPerSec(base?.mean)}</td><td class="num"></td><td class="num"></td><td></td><td class="num">${base?.n ?? 0}</td><td></td><td class="why small">${h(common)}</td></tr>`);
    for (const [k, s] of list.entries()) {
      const inst = nsPerOpInterval(s, 'instrumented', seed);
      const c = s.comparisons.find((x) => x.metric === 'nsPerOp');
      rows.push(`<tr id="${scenarioAnchor(s.name)}"><td>${h(tightName(s).backend)}${labels.instrumented === 'instrumented' ? '' : ` <span class="muted">(${h(labels.instrumented)})</span>`}</td><td class="num">${nsText(inst)}</td><td class="num">${fmtOpsPerSec(inst?.mean)}</td>` +
        `<td class="num">${c ? `${fmtPct(c.estimatePct)} <span class="muted">${fmtInterval(c.ciLowPct, c.ciHighPct)}</span>` : MISSING}</td><td class="num">${c ? fmtBudget(c.budgetPct) : ''}</td><td>${badge(s.verdict)}</td><td class="num">${inst?.n ?? 0}</td><td>${exactnessCell(s)}</td><td class="why small">${h(rest[k])}</td></tr>`);
    }
  }
  const charts: ChartSpec[] = [];
  const trends = scenarios.map((s, i) => {
    const spec = trendChart(`tight-trend-${i}`, s.name, trend);
    if (!spec) return '';
    charts.push(spec);
    return `<figure><div class="chart" id="${spec.id}"></div><figcaption>${h(s.name)}: ns/op overhead across runs</figcaption></figure>`;
  }).join('');
  const html = `<section id="tight">
<h2>Tight loop: cost per operation</h2>
<p class="muted">Mean nanoseconds per operation over valid rounds with a 95% bootstrap interval, empty batch subtracted; overhead against the baseline backend on the same workload, paired by round.</p>
<table class="tight"><thead><tr><th>workload</th><th>backend</th><th class="num">ns/op [95% CI]</th><th class="num">throughput</th><th class="num">overhead [95% CI]</th><th class="num">budget</th><th>verdict</th><th class="num">rounds</th><th>exactness</th><th>reading</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
${accountHtml(scenarios, seed ?? 1)}
${trends ? `<h3>Trend across runs</h3><div class="charts">${trends}</div>` : ''}
</section>`;
  return { html, charts };
}

/**
 * Where each backend's nanoseconds go (harness/tight/account.ts): per operation, each metrics
 * call's cost alone times its count, their sum, the measured whole and the rest; then the
 * spread of the hot-path estimate within and across worker processes, and whose clock reads are.
 */
function accountHtml(scenarios: readonly ScenarioResult[], seed: number): string {
  const list = accounts(scenarios, seed);
  if (list.length === 0) return '';
  const cell = (i: NsInterval | null) => (i ? `${fmtNs(i.mean)} <span class="muted">${fmtInterval(i.low, i.high, fmtNs)}</span>` : MISSING);
  const head = list[0].parts.map((p) => `<th class="num">${h(p.call)}</th>`).join('');
  const rows = list.map((a) => `<tr><td>${h(a.workload)}</td><td>${h(a.backend)}</td>${a.parts.map((p) => `<td class="num">${p.count === 0 ? '0x' : `${fmtNumber(p.count, 2)}x ${cell(p.perCall)}`}</td>`).join('')}` +
    `<td class="num">${cell(a.sum)}</td><td class="num">${cell(a.measured)}</td><td class="num">${cell(a.residual)}</td><td class="why small">${h(accountReading(a))}</td></tr>`).join('\n');
  const notes = [spreadLines(scenarios), clockLine(scenarios)].filter(Boolean).flatMap((t) => t.split('\n')).map((t) => `<p class="small muted">${h(t)}</p>`).join('\n');
  return `<h3>Account: where each backend's nanoseconds go</h3>
<p class="muted">Per operation (hot-path: one status call; record: one frame), each metrics call timed alone, backend minus none paired in one process, times how often the operation makes it; mean over rounds [95% CI].</p>
<table class="tight"><thead><tr><th>workload</th><th>backend</th>${head}<th class="num">sum of parts</th><th class="num">measured</th><th class="num">residual</th><th>reading</th></tr></thead>
<tbody>${rows}</tbody></table>
${notes}`;
}
