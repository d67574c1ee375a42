import type { WindowResult, ScenarioResult } from '../result/schema.ts';
import { describePairCheck, validPairs } from '../run/compare-rounds.ts';
import { fmtNumber, LIVE_PCT_DIGITS } from '../../common/format.ts';
import { textTable, type Column } from '../../common/table.ts';
import { fmtChangeWithInterval, fmtComparisonBudget, fmtMetricValue } from '../report/metric.ts';
import { timersLine } from '../report/rounds.ts';

function errorsLine(rounds: readonly WindowResult[], variant: 'baseline' | 'instrumented'): string {
  const mine = rounds.filter((r) => r.variant === variant);
  const errors = mine.reduce((n, r) => n + r.errors, 0);
  const requests = mine.reduce((n, r) => n + r.requests, 0);
  const kinds: Record<string, number> = {};
  for (const r of mine) for (const [k, v] of Object.entries(r.errorsByKind ?? {})) kinds[k] = (kinds[k] ?? 0) + v;
  const detail = Object.entries(kinds).map(([k, v]) => `${k} ${v}`).join(', ');
  const dropped = mine.reduce((n, r) => n + (r.dropped ?? 0), 0);
  return `${variant} ${fmtNumber(errors, 0)}/${fmtNumber(requests, 0)}${detail ? ` (${detail})` : ''}${dropped ? `, dropped ${fmtNumber(dropped, 0)}` : ''}`;
}

const COLUMNS: Column[] = [
  { header: 'metric' }, { header: 'baseline', align: 'right' }, { header: 'instrumented', align: 'right' },
  { header: 'overhead [95% CI]', align: 'right' }, { header: 'budget', align: 'right' }, { header: 'verdict' },
];

/** The per-scenario table (metric, baseline, instrumented, overhead [CI], budget, verdict) and notes under it. */
export function renderScenario(s: ScenarioResult): string {
  const measured = new Set(s.rounds.map((r) => r.round)).size;
  const invalid = s.rounds.filter((r) => !r.valid);
  const validRounds = validPairs(s.rounds).length;
  const out: string[] = [];
  const pairsOf = s.processes ? ` in ${new Set(s.rounds.map((r) => r.process)).size} pairs of processes` : '';
  out.push(`${s.name}${s.profile ? ` (${s.profile})` : ''}: ${s.verdict.toUpperCase()}  ${validRounds}/${measured} rounds valid${pairsOf}`);
  if (s.error) out.push(`  error: ${s.error}`);
  if (s.comparisons.length > 0) {
    const rows = s.comparisons.map((c) => [
      c.metric,
      fmtMetricValue(c.metric, c.baselineMedian),
      fmtMetricValue(c.metric, c.instrumentedMedian),
      fmtChangeWithInterval(c, LIVE_PCT_DIGITS),
      fmtComparisonBudget(c),
      c.verdict,
    ]);
    out.push(textTable(COLUMNS, rows, '  '));
    // Say in words why a metric did not pass (criterion-style notes from the statistics); metrics
    // with the same reason share one line (a smoke run's "too few rounds" would repeat five times).
    const byNote = new Map<string, string[]>();
    for (const c of s.comparisons) if (c.verdict !== 'pass' && c.note) byNote.set(c.note, [...(byNote.get(c.note) ?? []), c.metric]);
    for (const [note, metrics] of byNote) out.push(`  ${metrics.join(', ')}: ${note}`);
  }
  if (s.pairCheck) out.push(`  two pairs of processes: ${describePairCheck(s.pairCheck)}, counted in every interval`);
  if (s.exactness) {
    const e = s.exactness;
    const what = s.kind === 'realistic' ? " (daemon's message totals vs the driver's frames)" : '';
    out.push(`  exactness: ${e.ok ? 'ok' : 'MISMATCH'}: recorded ${fmtNumber(e.recorded, 0)}, expected ${fmtNumber(e.expected, 0)}${what}${e.ok ? '' : `: ${e.detail ?? ''}`}`);
  }
  const timers = timersLine(s.rounds);
  if (timers) out.push(`  ${timers}`);
  for (const r of invalid) out.push(`  invalid: round ${r.round} ${r.variant}: ${r.invalidReason ?? 'invalid'}`);
  if (s.rounds.some((r) => r.errors > 0)) out.push(`  errors: ${errorsLine(s.rounds, 'baseline')}; ${errorsLine(s.rounds, 'instrumented')}`);
  return out.join('\n');
}
