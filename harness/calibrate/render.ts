import { fmtBudget, fmtChange, fmtNumber, fmtPct, fmtShare, fmtUs, LIVE_PCT_DIGITS, PCT_DIGITS } from '../../common/format.ts';
import { markdownTable, textTable, type Column } from '../../common/table.ts';
import { describeIntervalHonesty, describeSpreadPairLuck, describePairLuck, type Calibration, type ScenarioCalibration } from '../result/calibration.ts';

type TableFn = (columns: readonly Column[], rows: readonly string[][]) => string;

const METRIC_COLUMNS: Column[] = [
  { header: 'metric' },
  { header: 'budget', align: 'right' },
  { header: 'A/A half-width', align: 'right' },
  { header: 'A/A covers 0', align: 'right' },
  { header: 'sd of A/A estimates', align: 'right' },
  { header: 'MDE at rounds', align: 'right' },
  { header: 'rounds for MDE = budget', align: 'right' },
];

const LEVEL_COLUMNS: Column[] = [
  { header: 'level' },
  { header: 'burn', align: 'right' },
  { header: 'expected', align: 'right' },
  { header: 'estimate [95% CI]' },
  { header: 'verdict' },
  { header: 'covers expected' },
];
/** Shown when the levels were widened by the pair luck: the interval from the run's rounds alone. */
const ROUNDS_ALONE: Column = { header: 'rounds alone [95% CI]' };

/** Unsigned, like a half-width or an MDE: "3.20%". */
const width = (x: number | null | undefined, digits: number) => (x == null ? 'n/a' : fmtShare(x, digits));

function scenarioBlock(s: ScenarioCalibration, table: TableFn, digits: number): string {
  const rate = (x: number | null) => (x === null ? 'n/a' : fmtShare(100 * x, 0));
  const head =
    `${s.name} (${s.profile}, ${s.rounds} rounds${s.processes ? ` in ${s.processes} pairs of processes` : ''}): A/A ${s.aa.repeats} repeat(s), false fail ${rate(s.aa.falseFailRate)}, ` +
    `false inconclusive ${rate(s.aa.falseInconclusiveRate)}; baseline CPU per request ${fmtUs(s.baselineCpuPerRequestUs)}`;
  const metrics = Object.keys(s.mdePct).map((m) => [
    m,
    s.budgetsPct?.[m] == null ? '' : fmtBudget(s.budgetsPct[m]),
    width(s.aa.halfWidthPct[m], digits),
    s.aa.coversZero?.[m] == null ? 'n/a' : fmtShare(100 * s.aa.coversZero[m]!, 0),
    width(s.aa.estimateSdPct?.[m], digits),
    width(s.mdePct[m], digits),
    s.roundsFor?.[m] == null ? 'n/a' : fmtNumber(s.roundsFor[m], 0),
  ]);
  const widened = s.injected.some((l) => l.roundsCi);
  const levels = s.injected.map((l) => [
    l.multiple === undefined ? '' : `${l.multiple}x budget`,
    `${fmtNumber(l.burnUs, 0)} us`,
    fmtPct(l.expectedPct, digits),
    fmtChange(l.estimatePct, l.ciLowPct, l.ciHighPct, digits),
    l.verdict,
    l.coverage == null ? 'n/a' : l.coverage ? 'yes' : 'no',
    ...(widened ? [l.roundsCi ? fmtChange(l.estimatePct, l.roundsCi.ciLowPct, l.roundsCi.ciHighPct, digits) : ''] : []),
  ]);
  const parts = [head, table(METRIC_COLUMNS, metrics)];
  if (levels.length > 0) parts.push(`Injected CPU per call (cpuPerRequest):\n\n${table(widened ? [...LEVEL_COLUMNS, ROUNDS_ALONE] : LEVEL_COLUMNS, levels)}`);
  if (s.intervalHonesty) parts.push(`Interval honesty: ${describeIntervalHonesty(s.intervalHonesty, s.processes)}`);
  if (s.pairLuck?.cpuPerRequest) parts.push(`Pair luck: ${describePairLuck(s.pairLuck.cpuPerRequest)}`);
  const spreadLuck = s.pairLuck && describeSpreadPairLuck(s.pairLuck);
  if (spreadLuck) parts.push(`Pair luck, ${spreadLuck}`);
  for (const n of s.notes ?? []) parts.push(`note: ${n}`);
  return parts.join('\n\n');
}

/** The calibration as the terminal shows it after the run (percentages to LIVE_PCT_DIGITS). */
export function renderCalibrationText(c: Calibration): string {
  return c.scenarios.map((s) => scenarioBlock(s, (cols, rows) => textTable(cols, rows), LIVE_PCT_DIGITS)).join('\n\n');
}

/** summary.md beside calibration.json. */
export function renderCalibrationMarkdown(c: Calibration): string {
  const intro = [
    '# overbench calibration',
    '',
    `Run ${c.runId ?? 'n/a'}${c.command ? `: \`${c.command}\`` : ''}.`,
    '',
    'A/A: the baseline against a second identical baseline process; a `fail` there is a false alarm, an',
    '`inconclusive` a run too noisy to clear a budget-sized change. MDE: the smallest change a run of the',
    'profile\'s rounds finds with 80% power at alpha 0.05, from the A/A per-round spread. Injected: the',
    'same build burning known CPU per call (`EXAI_BENCH_BURN_US`), 0, 0.5x, 1x and 2x the cpuPerRequest budget.',
  ];
  const blocks = c.scenarios.map((s) => `## ${s.name}\n\n${scenarioBlock(s, markdownTable, PCT_DIGITS)}`);
  return `${[intro.join('\n'), ...blocks].join('\n\n')}\n`;
}
