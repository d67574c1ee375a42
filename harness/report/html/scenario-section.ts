import type { WindowResult, ScenarioResult, VariantInfo } from '../../result/schema.ts';
import { fmtBytes, fmtNumber, fmtShare, fmtSigned, fmtUs } from '../../../common/format.ts';
import { escapeHtml as h } from '../escape.ts';
import type { HistoryEntry } from '../history.ts';
import { describePairCheck, inRunOrder, timersLine, validPairs } from '../rounds.ts';
import { badge } from './badge.ts';
import { perRoundChart, spectrumChart, trendChart, type ChartSpec, type Labels } from './chart-specs.ts';
import { overheadSvg } from './overhead-svg.ts';
import { scenarioAnchor } from './verdict-section.ts';

/** A realistic scenario's evidence: overhead, latency spectrum, rounds, exactness, trend. */
export function scenarioSection(s: ScenarioResult, index: number, labels: Labels, trend: readonly HistoryEntry[]): { html: string; charts: ChartSpec[] } {
  const charts: ChartSpec[] = [];
  const figure = (spec: ChartSpec | null, caption: string) => {
    if (!spec) return '';
    charts.push(spec);
    return `<figure><div class="chart" id="${spec.id}"></div><figcaption>${caption}</figcaption></figure>`;
  };
  const id = (name: string) => `c${index}-${name}`;
  const pairs = validPairs(s.rounds).length;
  const totalRounds = new Set(s.rounds.map((r) => r.round)).size;
  const figures = [
    figure(spectrumChart(id('spectrum'), s, labels), 'Latency by percentile (HdrHistogram spectrum), histograms merged over valid rounds. x: percentile on a log "nines" scale.'),
    figure(perRoundChart(id('p99'), s, labels, { yLabel: 'p99 latency (ms)', unit: 'ms', value: (r) => (r.latencyUs ? r.latencyUs.p99 / 1000 : null) }), 'p99 latency of every window in run order: the interleaving and the noise the intervals come from.'),
    figure(perRoundChart(id('cpu'), s, labels, { yLabel: 'CPU per request (us)', unit: 'us', value: (r) => r.cpuPerRequestUs }), 'Target CPU (user+system) per request of every window in run order.'),
    figure(
      perRoundChart(id('tput'), s, labels, { yLabel: 'throughput (req/s)', unit: 'req/s', value: (r) => r.throughput }, { label: 'errors', unit: '', value: (r) => r.errors }),
      'Throughput of every window (left axis) and its errors (right axis, red rings).',
    ),
  ].join('\n');
  const trendSpec = trendChart(id('trend'), s.name, trend);
  const trendHtml = trendSpec ? `<h3>Trend across runs</h3>${figure(trendSpec, `Overhead estimate of each metric in the last ${trendSpec.x.length} runs (history.jsonl).`)}` : '';
  const html = `<section class="scenario" id="${scenarioAnchor(s.name)}">
<h2>${h(s.name)} ${badge(s.verdict)}</h2>
${s.description ? `<p>${h(s.description)}</p>` : ''}
<p class="muted">${s.profile ? `profile ${h(s.profile)} · ` : ''}${pairs} of ${totalRounds} rounds valid for comparison${s.processes ? ` (${processesText(s)})` : ''} · ${h(labels.baseline)}: ${variantText(s.variants.baseline)} · ${h(labels.instrumented)}: ${variantText(s.variants.instrumented)}</p>
${s.error ? `<p class="note bad">This scenario did not complete: ${h(s.error)}</p>` : ''}
<h3>Overhead</h3>
<div class="overhead">${overheadSvg(s.comparisons)}</div>
<div class="charts">
${figures}
</div>
${trendHtml}
${exactnessHtml(s)}
${timersHtml(s.rounds)}
${invalidHtml(s.rounds)}
<h3>Rounds</h3>
${roundsTable(s.rounds, labels, s.design === 'duet')}
</section>`;
  return { html, charts };
}

function variantText(v: VariantInfo): string {
  const env = v.env ? Object.entries(v.env).map(([k, val]) => `${k}=${val}`).join(' ') : '';
  return `<code>${h([v.target, env].filter(Boolean).join(' '))}</code>${v.pid != null ? ` (pid ${v.pid})` : ''}`;
}

function exactnessHtml(s: ScenarioResult): string {
  if (!s.exactness) return '';
  const e = s.exactness;
  const text = `${e.ok ? 'All counted' : 'MISCOUNTED'}: the metrics recorded ${fmtNumber(e.recorded, 0)} of ${fmtNumber(e.expected, 0)} frames the driver counted (difference ${fmtSigned(e.recorded - e.expected)})${e.detail ? `. ${e.detail}` : ''}`;
  return `<h3>Exactness</h3><p class="${e.ok ? '' : 'note bad'}">${badge(e.ok ? 'pass' : 'fail')} ${h(text)}</p>`;
}

/** The metrics backends' own timers (flushes, roll-ups, sweeps), where the targets report them. */
function timersHtml(rounds: readonly WindowResult[]): string {
  const line = timersLine(rounds);
  return line === null ? '' : `<h3>Metrics timers</h3><p>${h(line)}</p>`;
}

function invalidHtml(rounds: readonly WindowResult[]): string {
  const invalid = inRunOrder(rounds).filter((r) => !r.valid);
  if (invalid.length === 0) return '';
  const items = invalid.map((r) => `<li>round ${r.round}, ${h(r.variant)}: ${h(r.invalidReason ?? 'no reason recorded')}</li>`).join('');
  return `<h3>Invalid windows (${invalid.length}, excluded with their round)</h3><ul class="note">${items}</ul>`;
}

/** When a window ran: first or second of its round, or together with the other variant (duet, with its pinned CPU). */
function ranCell(r: WindowResult, duet: boolean): string {
  if (duet) return r.core !== undefined ? `together, CPU ${r.core}` : 'together';
  return r.order === 0 ? 'first' : 'second';
}

function roundsTable(rounds: readonly WindowResult[], labels: Labels, duet: boolean): string {
  const body = inRunOrder(rounds).map((r) => {
    const kinds = r.errorsByKind && Object.keys(r.errorsByKind).length ? ` (${Object.entries(r.errorsByKind).map(([k, n]) => `${k} ${n}`).join(', ')})` : '';
    return `<tr class="${r.valid ? '' : 'invalid'}"><td class="num">${r.round}</td><td>${h(r.variant === 'baseline' ? labels.baseline : labels.instrumented)}</td><td class="num">${h(ranCell(r, duet))}</td>` +
      `<td class="num">${fmtNumber(r.requests, 0)}</td><td class="num">${fmtNumber(r.errors, 0)}${h(kinds)}${r.dropped ? `, ${fmtNumber(r.dropped, 0)} dropped` : ''}</td><td class="num">${fmtNumber(r.throughput, 1)}</td>` +
      `<td class="num">${fmtUs(r.latencyUs?.p50)}</td><td class="num">${fmtUs(r.latencyUs?.p99)}</td><td class="num">${fmtUs(r.latencyUs?.p999)}</td><td class="num">${fmtUs(r.latencyUs?.max)}</td>` +
      `<td class="num">${fmtUs(r.cpuPerRequestUs)}</td><td class="num">${fmtBytes(r.rssBytes)}</td><td class="num">${fmtShare(r.driverCpuPct)}</td>` +
      `<td class="why">${r.valid ? 'valid' : h(r.invalidReason ?? 'invalid')}</td></tr>`;
  });
  return `<table class="rounds"><thead><tr><th class="num">round</th><th>variant</th><th class="num">ran</th><th class="num">requests</th><th class="num">errors</th><th class="num">req/s</th><th class="num">p50</th><th class="num">p99</th><th class="num">p99.9</th><th class="num">max</th><th class="num">CPU/req</th><th class="num">RSS</th><th class="num">driver CPU</th><th>status</th></tr></thead><tbody>${body.join('\n')}</tbody></table>`;
}

/** How the rounds' pairs of processes entered the verdict: their luck counted (two), or the interval across them. */
function processesText(s: ScenarioResult): string {
  const n = new Set(s.rounds.map((r) => r.process)).size;
  if (!s.pairCheck) return `${n} pairs of processes, the interval across them`;
  return `${n} pairs of processes, their luck counted in every interval: ${h(describePairCheck(s.pairCheck))}`;
}
