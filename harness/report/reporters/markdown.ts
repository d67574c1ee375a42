import type { Comparison, Result, ScenarioResult, Verdict } from '../../result/schema.ts';
import { MISSING } from '../../../common/format.ts';
import { escapeMdCell as cell, markdownTable, type Column } from '../../../common/table.ts';
import { fmtChangeOf, fmtComparisonBudget, fmtIntervalOf, metricLabel } from '../metric.ts';
import type { RenderContext, Reporter } from '../reporter.ts';
import { recordedOf, VERDICT_TEXT } from '../wording.ts';

/** Compact summary for $GITHUB_STEP_SUMMARY or a PR comment: one table row per budget comparison. */
export const markdownReporter: Reporter = {
  name: 'markdown',
  defaultFile: 'summary.md',
  render(result: Result, ctx: RenderContext): string {
    const comparisons = result.scenarios.reduce((n, s) => n + s.comparisons.length, 0);
    const lines = [
      `## overbench: ${verdictCell(result.verdict)}${ctx.title ? ` (${cell(ctx.title)})` : ''}`,
      '',
      `Run \`${result.runId}\`${result.env.gitSha ? ` at \`${result.env.gitSha.slice(0, 12)}\`` : ''}: ` +
        `${result.scenarios.length} scenario${result.scenarios.length === 1 ? '' : 's'}, ` +
        `${result.comparisonsMade ?? comparisons} comparison${comparisons === 1 ? '' : 's'} (95% intervals)` +
        `${ctx.labels.baseline !== 'baseline' ? `, ${cell(ctx.labels.instrumented)} vs ${cell(ctx.labels.baseline)}` : ''}.`,
      '',
      markdownTable(COLUMNS, result.scenarios.flatMap(scenarioRows)),
    ];
    const notes = result.scenarios.flatMap(scenarioNotes);
    if (notes.length) lines.push('', ...notes);
    if (result.command) lines.push('', `Reproduce: \`${result.command.replace(/`/g, "'")}\``);
    return lines.join('\n') + '\n';
  },
};

const COLUMNS: Column[] = [
  { header: 'scenario' }, { header: 'metric' }, { header: 'overhead', align: 'right' },
  { header: '95% CI', align: 'right' }, { header: 'budget', align: 'right' }, { header: 'verdict' },
];

/** The table rows (cells, not yet escaped) of one scenario; exported so tests can count them against the result. */
export function scenarioRows(s: ScenarioResult): string[][] {
  const rows = s.comparisons.map((c) => comparisonRow(s.name, c));
  if (s.exactness) {
    const e = s.exactness;
    rows.push([s.name, 'exactness', recordedOf(e), '', '', verdictCell(e.ok ? 'pass' : 'fail')]);
  }
  if (s.comparisons.length === 0 && !s.exactness) rows.push([s.name, '(none)', MISSING, '', '', verdictCell(s.verdict)]);
  return rows;
}

function comparisonRow(scenario: string, c: Comparison): string[] {
  return [scenario, metricLabel(c.metric), fmtChangeOf(c.metric, c.estimatePct), fmtIntervalOf(c.metric, c.ciLowPct, c.ciHighPct), fmtComparisonBudget(c), verdictCell(c.verdict)];
}

function scenarioNotes(s: ScenarioResult): string[] {
  const notes: string[] = [];
  if (s.error) notes.push(`- **${cell(s.name)}** did not complete: ${cell(s.error)}`);
  if (s.design === 'duet') {
    const placed = { cpuset: 'each on its own core, the cores alternating every 20 ms', taskset: 'each pinned to its own core, swapped every round', none: 'unpinned' }[s.pinning ?? 'none'];
    notes.push(`- **${cell(s.name)}**: duet design, both variants measured at the same time (${placed})`);
  }
  const invalid = s.rounds.filter((r) => !r.valid);
  if (invalid.length) {
    const why = invalid.map((r) => `round ${r.round} ${r.variant}${r.invalidReason ? ` (${r.invalidReason})` : ''}`).join('; ');
    notes.push(`- **${cell(s.name)}**: ${invalid.length} invalid window${invalid.length > 1 ? 's' : ''} excluded: ${cell(why)}`);
  }
  return notes;
}

const verdictCell = (v: Verdict) => (v === 'pass' ? 'pass' : v === 'fail' ? '**FAIL**' : `_${VERDICT_TEXT[v].toLowerCase()}_`);
