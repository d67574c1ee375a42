import { UsageError } from '../../common/exit-codes.ts';
import { Result, type Comparison, type MetricName, type WindowResult, type ScenarioResult, type VariantInfo } from '../result/schema.ts';
import { compareMetric, overallVerdict, scenarioVerdict } from '../stats/compare.ts';
import { DEFAULT_ERROR_RATE_BUDGET_PP, METRICS } from '../result/metrics.ts';
import { inRunOrder } from './rounds.ts';

export interface CompareOptions {
  /** Metrics to compare; default: those NEW's scenario was judged on. */
  metrics?: MetricName[];
  /**
   * One budget in percent for every percent metric (a floor the files give still applies; the error
   * rate keeps its budget in percentage points); default: NEW's budget for that metric, else OLD's,
   * else 5% (0.1 pp for the error rate).
   */
  budgetPct?: number;
  seed?: number;
  /** The command line, recorded in the comparison result so its HTML says how to reproduce it. */
  command?: string;
}

export interface CompareOutcome {
  /** OLD vs NEW as an ordinary result (OLD in the baseline slot), so every reporter can render it. */
  result: Result;
  onlyOld: string[];
  onlyNew: string[];
  /** Scenarios in both files without any of the requested --metric values. */
  noMetric: string[];
  /** Rounds dropped per scenario to pair equal counts. */
  unpaired: Record<string, { old: number; new: number }>;
}

export const DEFAULT_COMPARE_BUDGET = 5;

/**
 * Compares the instrumented variant of two runs (two commits, two machines, two configurations)
 * scenario by scenario, with the same statistics as a run: per-pair log-ratio NEW/OLD, bootstrap
 * interval, verdict against the budget.
 *
 * Pairing: the two runs' rounds are independent, so there is no natural pair. Each side's valid
 * windows are taken in run order and paired by index (OLD's k-th valid window with NEW's k-th);
 * the longer side's surplus windows at the end are left out (reported in `unpaired`). For
 * independent rounds, the mean of per-pair log-ratios estimates the same thing as the difference
 * of the mean logs, and resampling pairs resamples both sides; index pairing also lines up any
 * warm-up drift the two runs share.
 */
export function compareResults(oldR: Result, newR: Result, opts: CompareOptions = {}): CompareOutcome {
  const oldByName = new Map(oldR.scenarios.map((s) => [s.name, s]));
  const newNames = new Set(newR.scenarios.map((s) => s.name));
  const matched = newR.scenarios.filter((s) => oldByName.has(s.name));
  const onlyOld = oldR.scenarios.filter((s) => !newNames.has(s.name)).map((s) => s.name);
  const onlyNew = newR.scenarios.filter((s) => !oldByName.has(s.name)).map((s) => s.name);
  if (matched.length === 0) {
    throw new UsageError(`no scenario in common: OLD ${oldR.runId} has [${[...oldByName.keys()].join(', ')}], NEW ${newR.runId} has [${[...newNames].join(', ')}]`);
  }
  const seed = opts.seed ?? newR.seed ?? 1;
  const unpaired: CompareOutcome['unpaired'] = {};
  const noMetric: string[] = [];
  const scenarios: ScenarioResult[] = [];
  for (const n of matched) {
    const o = oldByName.get(n.name) as ScenarioResult;
    const { scenario, dropped } = compareScenario(o, n, oldR.runId, newR.runId, opts, seed);
    // `--metric nsPerOp` asks about tight scenarios; a realistic one without it is not a failure to decide.
    if (opts.metrics && scenario.comparisons.length === 0 && !scenario.error) {
      noMetric.push(n.name);
      continue;
    }
    if (dropped.old || dropped.new) unpaired[n.name] = dropped;
    scenarios.push(scenario);
  }
  if (scenarios.length === 0) {
    throw new UsageError(`no scenario in common has ${opts.metrics?.join(' or ')} (compared: ${matched.map((s) => s.name).join(', ')})`);
  }
  const result = Result.parse({
    schemaVersion: newR.schemaVersion,
    tool: newR.tool,
    runId: `compare-${oldR.runId}-vs-${newR.runId}`,
    startedAt: newR.startedAt,
    finishedAt: newR.finishedAt,
    ...(opts.command ? { command: opts.command } : {}),
    seed,
    env: newR.env,
    verdict: overallVerdict(scenarios.map((s) => s.verdict)),
    comparisonsMade: scenarios.reduce((k, s) => k + s.comparisons.length, 0),
    scenarios,
  });
  return { result, onlyOld, onlyNew, noMetric, unpaired };
}

function compareScenario(o: ScenarioResult, n: ScenarioResult, oldId: string, newId: string, opts: CompareOptions, seed: number) {
  const oldWin = inRunOrder(o.rounds).filter((r) => r.variant === 'instrumented' && r.valid);
  const newWin = inRunOrder(n.rounds).filter((r) => r.variant === 'instrumented' && r.valid);
  const k = Math.min(oldWin.length, newWin.length);
  const dropped = { old: oldWin.length - k, new: newWin.length - k };
  // Rewritten as one round per pair: OLD in the baseline slot, NEW in the instrumented slot.
  const rounds: WindowResult[] = [];
  for (let i = 0; i < k; i++) {
    rounds.push({ ...oldWin[i], round: i, variant: 'baseline', order: 0 }, { ...newWin[i], round: i, variant: 'instrumented', order: 1 });
  }
  const metrics = opts.metrics ?? unique([...n.comparisons, ...o.comparisons].map((c) => c.metric));
  const comparisons: Comparison[] = metrics
    .filter((m) => rounds.some((r) => METRICS[m].value(r) != null))
    .map((metric) => compareMetric({
      metric, seed, higherIsWorse: METRICS[metric].higherIsWorse,
      ...budgetFor(metric, opts.budgetPct, n, o),
      baseline: rounds.filter((r) => r.variant === 'baseline').map((r) => METRICS[metric].value(r) ?? NaN),
      instrumented: rounds.filter((r) => r.variant === 'instrumented').map((r) => METRICS[metric].value(r) ?? NaN),
    }));
  const error = [o.error && `OLD: ${o.error}`, n.error && `NEW: ${n.error}`].filter(Boolean).join('; ');
  const scenario: ScenarioResult = {
    name: n.name, kind: n.kind,
    description: `instrumented variant of ${newId} (NEW) against ${oldId} (OLD)`,
    ...(n.profile ? { profile: n.profile } : {}),
    verdict: error && comparisons.length === 0 ? 'inconclusive' : scenarioVerdict(comparisons),
    variants: { baseline: side('OLD', oldId, o.variants.instrumented), instrumented: side('NEW', newId, n.variants.instrumented) },
    rounds, comparisons, exactness: null,
    ...(error ? { error } : {}),
  };
  return { scenario, dropped };
}

const side = (label: string, runId: string, v: VariantInfo): VariantInfo => ({ ...v, target: `${label} ${runId}: ${v.target}` });
/** The budget (and floor) NEW's scenario was judged on for a metric, else OLD's; --budget replaces the percent. */
function budgetFor(metric: MetricName, override: number | undefined, n: ScenarioResult, o: ScenarioResult): { budgetPct: number; floorUs?: number } {
  const judged = n.comparisons.find((c) => c.metric === metric) ?? o.comparisons.find((c) => c.metric === metric);
  const floor = judged?.floorUs !== undefined ? { floorUs: judged.floorUs } : {};
  if (METRICS[metric].change === 'pp') return { budgetPct: judged?.budgetPct ?? DEFAULT_ERROR_RATE_BUDGET_PP };
  return { budgetPct: override ?? judged?.budgetPctAsWritten ?? judged?.budgetPct ?? DEFAULT_COMPARE_BUDGET, ...floor };
}
const unique = <T,>(xs: T[]) => [...new Set(xs)];
