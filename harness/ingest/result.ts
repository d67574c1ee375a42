import path from 'node:path';
import { UsageError } from '../../common/exit-codes.ts';
import { buildResult } from '../result/build.ts';
import { DEFAULT_ERROR_RATE_BUDGET_PP } from '../result/metrics.ts';
import type { Result, ScenarioResult, VariantInfo, WindowResult } from '../result/schema.ts';
import { compareRounds } from '../run/compare-rounds.ts';
import type { Budgets } from '../scenario/schema.ts';
import { scenarioVerdict } from '../stats/compare.ts';
import type { IngestTool } from './read.ts';
import { toWindowResult, type IngestedWindow } from './window.ts';

export type VariantName = 'baseline' | 'instrumented';

/** Budget of every percent metric when neither a scenario nor the earlier result gives one (as `overbench compare`). */
export const DEFAULT_INGEST_BUDGET_PCT = 5;

export interface IngestInput {
  tool: IngestTool;
  variant: VariantName;
  /** The files read, and the windows read from them (harness/ingest/read.ts), in run order. */
  files: string[];
  windows: IngestedWindow[];
  /** A result written by an earlier ingest (the other variant, or more rounds of this one). */
  into?: Result;
  /** Scenario name and budgets (from --scenario); else those of `into`, else the first file's name. */
  scenario?: { name: string; description?: string; budgets: Budgets };
  /** --budget: one percent for p50, p95, p99 and throughput. */
  budgetPct?: number;
  seed: number;
  command: string;
  startedAt: Date;
}

/** The budgets the earlier result was judged on, so a later ingest keeps its thresholds. */
function budgetsFrom(s: ScenarioResult | undefined, pct: number): Budgets {
  const judged = (m: string) => s?.comparisons.find((c) => c.metric === m);
  const pctOf = (m: 'p50' | 'p95' | 'p99' | 'throughput') => {
    const c = judged(m);
    if (!c) return pct;
    const asWritten = c.budgetPctAsWritten ?? c.budgetPct;
    return c.floorUs !== undefined && m !== 'throughput' ? { pct: asWritten, floorUs: c.floorUs } : asWritten;
  };
  return {
    p50: pctOf('p50'),
    p95: pctOf('p95'),
    p99: pctOf('p99'),
    throughput: pctOf('throughput') as number,
    errorRate: judged('errorRate')?.budgetPct ?? DEFAULT_ERROR_RATE_BUDGET_PP,
  };
}

const stem = (file: string) => path.basename(file).replace(/(\.json|\.ndjson|\.jsonl)?(\.gz)?$/, '');

/**
 * The ingested windows as a result: rounds of `variant` appended after those it already has in
 * `into` (so round k of one variant pairs with round k of the other), and, once both variants have
 * rounds, the same comparisons and verdicts as a run. With one variant only the verdict is
 * inconclusive and no comparison has a value yet.
 */
/** Whether a scenario has rounds of both variants (so its comparisons mean something). */
export function hasBothVariants(s: ScenarioResult): boolean {
  return s.rounds.some((r) => r.variant === 'baseline') && s.rounds.some((r) => r.variant === 'instrumented');
}

export function ingestResult(input: IngestInput): Result {
  const { variant, into } = input;
  if (input.windows.length === 0) throw new UsageError(`${input.files.join(', ')}: no measured window`);
  const earlier = into?.scenarios.find((s) => s.name === input.scenario?.name) ?? (input.scenario ? undefined : into?.scenarios.length === 1 ? into.scenarios[0] : undefined);
  if (into && !earlier) {
    const names = into.scenarios.map((s) => s.name).join(', ');
    throw new UsageError(`--into ${into.runId}: ${input.scenario ? `has no scenario "${input.scenario.name}"` : 'holds several scenarios'} (it has: ${names}); name one with --scenario`);
  }
  const name = input.scenario?.name ?? earlier?.name ?? stem(input.files[0]);
  const kept: WindowResult[] = earlier?.rounds ?? [];
  let next = Math.max(0, ...kept.filter((r) => r.variant === variant).map((r) => r.round));
  const added: WindowResult[] = [];
  for (const w of input.windows) added.push(toWindowResult(w, ++next, variant));
  const rounds = [...kept, ...added];

  const info: VariantInfo = { target: `${input.tool}:${input.files.map((f) => path.basename(f)).join(',')}` };
  const other: VariantName = variant === 'baseline' ? 'instrumented' : 'baseline';
  const variants = {
    [variant]: earlier && kept.some((r) => r.variant === variant) ? { target: `${earlier.variants[variant].target},${info.target.slice(input.tool.length + 1)}` } : info,
    [other]: earlier?.variants[other] ?? { target: `none yet (overbench ingest ${input.tool} FILE --variant ${other} --into RESULT.json)` },
  } as ScenarioResult['variants'];

  const both = hasBothVariants({ rounds } as ScenarioResult);
  const budgets = input.scenario?.budgets ?? budgetsFrom(earlier, input.budgetPct ?? DEFAULT_INGEST_BUDGET_PCT);
  if (input.budgetPct !== undefined) for (const m of ['p50', 'p95', 'p99', 'throughput'] as const) budgets[m] = input.budgetPct;
  // With one variant there is nothing to compare yet; the comparisons still record the budgets, so
  // the ingest that brings the other variant judges by them.
  const waiting = `Only the ${variant} variant so far: ingest the ${other} one with --into`;
  // The mean: ingested variants ran one after the other, not side by side (compare-rounds.ts).
  const comparisons = compareRounds(rounds, budgets, input.seed, { estimator: 'mean' }).map((c) => (both ? c : { ...c, note: waiting }));
  const scenario: ScenarioResult = {
    name,
    kind: 'realistic',
    description: both ? (input.scenario?.description ?? `ingested from ${input.tool}`) : `ingested from ${input.tool}: the ${variant} variant only so far (ingest the ${other} one with --into)`,
    verdict: both ? scenarioVerdict(comparisons) : 'inconclusive',
    variants,
    rounds,
    comparisons,
    exactness: null,
  };
  const others = into?.scenarios.filter((s) => s !== earlier) ?? [];
  return buildResult({ scenarios: [...others, scenario], world: into?.env.world ?? null, startedAt: input.startedAt, seed: input.seed, command: input.command });
}
