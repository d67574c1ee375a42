import type { Result } from '../../result/schema.ts';
import { fmtSeconds } from '../../../common/format.ts';
import { escapeHtml as h } from '../escape.ts';

/** Where and how the numbers were made, and the command that makes them again. */
export function environmentSection(result: Result): string {
  const e = result.env;
  const seconds = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
  const world = e.world ? Object.entries(e.world).map(([part, kind]) => `${part}: ${kind}`).join(', ') : 'none (no external services)';
  const rows: [string, string][] = [
    ['machine', `${e.cpuModel} × ${e.cpus} CPUs, ${e.os}`],
    ['node', e.node],
    ['git sha', e.gitSha ?? 'unknown (not a git checkout)'],
    ['world', world],
    ['tool', `${result.tool.name} ${result.tool.version}`],
    ['run id', result.runId],
    ['started', result.startedAt],
    ['finished', `${result.finishedAt}${Number.isFinite(seconds) ? ` (${fmtSeconds(seconds)})` : ''}`],
  ];
  if (result.seed != null) rows.push(['seed', String(result.seed)]);
  // How the variants shared the machine, per scenario that records it (README, "How a verdict is reached").
  const designs = result.scenarios.filter((s) => s.design).map((s) => `${s.name}: ${s.design}${s.pinning ? ` (pinning: ${s.pinning})` : ''}`);
  if (designs.length > 0) rows.push(['design', designs.join('; ')]);
  rows.push(['comparisons made', String(result.comparisonsMade ?? result.scenarios.reduce((n, s) => n + s.comparisons.length, 0))]);
  const dl = rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('');
  return `<section id="environment">
<h2>Environment and reproduction</h2>
<dl class="kv">${dl}</dl>
<h3>Reproduce</h3>
${result.command ? `<pre><code>${h(result.command)}</code></pre>` : '<p class="muted">The result does not record its command line.</p>'}
</section>`;
}
