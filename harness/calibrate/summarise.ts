import { METRICS, REALISTIC_METRICS } from '../result/metrics.ts';
import type { Comparison, MetricName, ScenarioResult, Verdict } from '../result/schema.ts';
import { changesByPair, compareRounds, validPairs, type PairLuck as PairLuckOf } from '../run/compare-rounds.ts';
import { pairsLuck } from '../stats/processes.ts';
import type { Budgets } from '../scenario/schema.ts';
import { median, perRoundChanges, scenarioVerdict } from '../stats/compare.ts';
import { covers, expectedPct, logToPct, missEvidence, mdePct, mdeWithPairLuckPct, pairLuckHonesty, pairLuckSd, pctToLog, pooledSd, pooledTau, roundsFor, sdFromHalfWidths, type BurnLevel, type KnownTruth } from './power.ts';
import { SPREAD_LUCK_METRICS, type AaSummary, type InjectedLevel, type PairLuck, type SpreadLuckMetric, type SpreadPairLuck } from '../result/calibration.ts';

/** One run of a calibration: the seed it ran with and what came of it. */
export interface CalibrationRun {
  seed: number;
  result: ScenarioResult;
}

type PerMetric = Record<string, number | null>;

const usable = (runs: readonly CalibrationRun[]) => runs.filter((r) => !r.result.error);

/**
 * A metric's per-round change in one run, oriented so that positive is worse, in the scale its
 * comparison uses (log-ratio, or percentage points for errorRate): the values whose spread the MDE
 * is made of.
 */
export function roundChanges(metric: MetricName, result: ScenarioResult): number[] {
  const { value, higherIsWorse } = METRICS[metric];
  const pairs = validPairs(result.rounds);
  const num = (v: number | null): number => v ?? Number.NaN;
  return perRoundChanges(metric, pairs.map(([b]) => num(value(b))), pairs.map(([, x]) => num(value(x))), higherIsWorse);
}

/** The metrics the runs compared (those with a budget and a measurement), in the run loop's order. */
function comparedMetrics(runs: readonly CalibrationRun[]): MetricName[] {
  const seen = new Set(runs.flatMap((r) => r.result.comparisons.map((c) => c.metric)));
  return REALISTIC_METRICS.filter((m) => seen.has(m));
}

const meanOf = (xs: readonly number[]) => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);
/** Sample standard deviation; null below two values. */
const sampleSd = (xs: readonly number[]) => (xs.length < 2 ? null : pooledSd([xs]));
const rate = (verdicts: readonly Verdict[], v: Verdict) => (verdicts.length === 0 ? null : verdicts.filter((x) => x === v).length / verdicts.length);

/** The budgets the comparisons used, as the scenario wrote them. */
function budgetsPct(runs: readonly CalibrationRun[]): PerMetric {
  const out: PerMetric = {};
  for (const c of runs.flatMap((r) => r.result.comparisons)) out[c.metric] ??= c.budgetPctAsWritten ?? c.budgetPct;
  return out;
}

export interface AaAnalysis {
  aa: AaSummary;
  mdePct: PerMetric;
  roundsFor: PerMetric;
  budgetsPct: PerMetric;
  /** Median CPU per request over every valid A/A window, both processes: the expected overheads' denominator. */
  baselineCpuPerRequestUs: number | null;
}

/**
 * What the A/A repeats say: how often identical builds got a `fail` or an `inconclusive`, how wide
 * the intervals are, and from the per-round spread (pooled within repeats) the MDE at `rounds`
 * and the rounds each budget needs.
 */
export function analyseAa(runs: readonly CalibrationRun[], rounds: number): AaAnalysis {
  const ok = usable(runs);
  const metrics = comparedMetrics(ok);
  const budgets = budgetsPct(ok);
  const halfWidthPct: PerMetric = {};
  const coversZero: PerMetric = {};
  const estimateSdPct: PerMetric = {};
  const perRoundSd: PerMetric = {};
  const mde: PerMetric = {};
  const needed: PerMetric = {};
  for (const metric of metrics) {
    const intervals = ok
      .map((r) => r.result.comparisons.find((c) => c.metric === metric))
      .filter((c): c is Comparison & { ciLowPct: number; ciHighPct: number } => c?.ciLowPct != null && c.ciHighPct != null);
    halfWidthPct[metric] = meanOf(intervals.map((c) => (c.ciHighPct - c.ciLowPct) / 2));
    coversZero[metric] = meanOf(intervals.map((c) => (c.ciLowPct <= 0 && 0 <= c.ciHighPct ? 1 : 0)));
    estimateSdPct[metric] = sampleSd(intervals.map((c) => c.estimatePct).filter((e): e is number => e !== null));
    perRoundSd[metric] = pooledSd(ok.map((r) => roundChanges(metric, r.result)));
    // The gate's estimator sets the width: the mean's follows the sd (pp metrics); the
    // Hodges-Lehmann interval's is read off the A/A intervals themselves (power.ts says why).
    const sd = METRICS[metric].change === 'pp'
      ? perRoundSd[metric]
      : sdFromHalfWidths(intervals.map((c) => (pctToLog(c.ciHighPct) - pctToLog(c.ciLowPct)) / 2), rounds);
    mde[metric] = mdePct(sd, rounds, METRICS[metric].change);
    needed[metric] = budgets[metric] == null ? null : roundsFor(sd, budgets[metric], METRICS[metric].change);
  }
  const verdicts = ok.map((r) => r.result.verdict);
  const cpu = ok.flatMap((r) => r.result.rounds.filter((w) => w.valid).map((w) => w.cpuPerRequestUs ?? Number.NaN));
  return {
    aa: {
      repeats: ok.length,
      falseFailRate: rate(verdicts, 'fail'),
      falseInconclusiveRate: rate(verdicts, 'inconclusive'),
      halfWidthPct,
      coversZero,
      estimateSdPct,
      perRoundSd,
      runs: runs.map((r) => ({ seed: r.seed, verdict: r.result.error ? null : r.result.verdict, ...(r.result.error && { error: r.result.error }) })),
    },
    mdePct: mde,
    roundsFor: needed,
    budgetsPct: budgets,
    baselineCpuPerRequestUs: median(cpu),
  };
}

/** One injected level as calibration.json records it: the cpuPerRequest comparison against the expected overhead. */
export function injectedLevel(level: BurnLevel, run: CalibrationRun, source: 'aa' | 'injected'): InjectedLevel {
  const c = run.result.error ? undefined : run.result.comparisons.find((x) => x.metric === 'cpuPerRequest');
  const ciLowPct = c?.ciLowPct ?? null;
  const ciHighPct = c?.ciHighPct ?? null;
  // The truth is the burn over the baseline measured beside it, in the same windows: the estimate's
  // own denominator. The A/A figure that sized the level drifts between runs (131-143 us in
  // hot-path-open), and that drift is no error of this run's interval.
  const runBaselineUs = c?.baselineMedian ?? null;
  const expected = runBaselineUs !== null && runBaselineUs > 0 ? expectedPct(level.burnUs, runBaselineUs) : level.expectedPct;
  return {
    burnUs: level.burnUs,
    expectedPct: expected,
    plannedPct: level.expectedPct,
    estimatePct: c?.estimatePct ?? null,
    ciLowPct,
    ciHighPct,
    verdict: c?.verdict ?? 'inconclusive',
    multiple: level.multiple,
    runBaselineCpuPerRequestUs: runBaselineUs,
    coverage: covers(ciLowPct, ciHighPct, expected),
    seed: run.seed,
    source,
    scenarioVerdict: run.result.verdict,
    ...(run.result.error && { error: run.result.error }),
  };
}

/** A run of the calibration at a burn level (the zero level is the first A/A run again: `aa`). */
export interface LevelRun {
  level: BurnLevel;
  run: CalibrationRun;
  source: 'aa' | 'injected';
}

/** A known-truth CPU interval and the run it came from. */
export type KnownRun = KnownTruth & { run: CalibrationRun };

/**
 * The cpuPerRequest intervals whose truth is known: every A/A run (0) and every injected level that
 * ran on its own (its expected; the zero level reuses an A/A run, counted once): what
 * intervalHonesty and pairLuckSd (power.ts) read.
 */
export function knownCpuTruths(aaRuns: readonly CalibrationRun[], levels: readonly LevelRun[]): KnownRun[] {
  const zero: BurnLevel = { multiple: 0, burnUs: 0, expectedPct: 0 };
  const all: LevelRun[] = [...usable(aaRuns).map((run) => ({ level: zero, run, source: 'aa' as const })), ...levels.filter((l) => l.source !== 'aa')];
  return all.flatMap(({ level, run, source }): KnownRun[] => {
    const l = injectedLevel(level, run, source);
    return l.estimatePct === null || l.ciLowPct === null || l.ciHighPct === null ? [] : [{ truthPct: l.expectedPct, estimatePct: l.estimatePct, ciLowPct: l.ciLowPct, ciHighPct: l.ciHighPct, run }];
  });
}

/**
 * A run as its rounds alone see it: each interval over its rounds, whichever pairs of processes
 * they ran in (their `process` ignored), so that it carries none of the pairs' luck. At one pair
 * that is the run as it ran; over several, the run's own intervals counted their spread, and the
 * calibration measures the luck from the rounds' misses of the truth (pairLuckSd) or the pairs'
 * spread (spreadPairLuck).
 */
export function roundsAlone(run: CalibrationRun, budgets: Budgets): CalibrationRun {
  if (run.result.error || new Set(run.result.rounds.map((w) => w.process ?? 1)).size < 2) return run;
  const rounds = run.result.rounds.map(({ process: _, ...w }) => w);
  return { seed: run.seed, result: { ...run.result, comparisons: compareRounds(rounds, budgets, run.seed) } };
}

/** One run's word on a metric's pair luck: an estimate of tau^2 (log-ratio, not floored) and its degrees of freedom. */
export interface LuckEvidence {
  run: CalibrationRun;
  tau2: number;
  df: number;
}

/**
 * What each run says about a latency percentile's or throughput's pair luck. Over several pairs per run (`runs`,
 * whose rounds keep their pairs): the spread of its pairs beyond their rounds' noise
 * (harness/stats/processes.ts, pairsLuck; P - 1 degrees of freedom). Over one: an A/A run's miss
 * of its true 0 beyond its interval's standard error (`aaAlone`, the rounds' own intervals), one
 * degree each. The injected levels say nothing of latency's or throughput's truth, so at one pair
 * only the A/A runs speak.
 */
export function spreadLuckEvidence(metric: SpreadLuckMetric | 'cpuPerRequest', runs: readonly CalibrationRun[], aaAlone: readonly CalibrationRun[], processes: number): LuckEvidence[] {
  if (processes > 1) {
    return usable(runs).flatMap((run) => {
      const luck = pairsLuck(changesByPair(metric, run.result.rounds));
      return luck ? [{ run, tau2: luck.tau2, df: luck.estimates.length - 1 }] : [];
    });
  }
  return usable(aaAlone).flatMap((run) => {
    const c = run.result.comparisons.find((x) => x.metric === metric);
    if (c?.estimatePct == null || c.ciLowPct == null || c.ciHighPct == null) return [];
    return [{ run, ...missEvidence({ truthPct: 0, estimatePct: c.estimatePct, ciLowPct: c.ciLowPct, ciHighPct: c.ciHighPct }) }];
  });
}

/** calibration.json's `pairLuck` entries besides CPU's: each metric with enough evidence. */
export function spreadPairLuck(evidence: Partial<Record<SpreadLuckMetric, LuckEvidence[]>>, processes: number): Partial<Record<SpreadLuckMetric, SpreadPairLuck>> {
  const out: Partial<Record<SpreadLuckMetric, SpreadPairLuck>> = {};
  for (const m of SPREAD_LUCK_METRICS) {
    const pooled = pooledTau(evidence[m] ?? []);
    if (pooled) out[m] = { sdPct: logToPct(pooled.sd), n: pooled.n, from: processes > 1 ? 'pairs' : 'aa' };
  }
  return out;
}

/**
 * CPU per request's luck over P >= 2 pairs, from truths that are exact: the spread of every run's
 * pairs beyond their rounds' noise (spreadLuckEvidence; P - 1 degrees each, no truth needed) and
 * each A/A run's miss of its true 0 (its rounds alone: P (miss^2 - se^2), one degree each, which
 * also counts an offset that all pairs of a run share). Not the injected levels' misses: their
 * truth is a model, the burn over the baseline's CPU per request, and where the load is a closed
 * loop whose core is busy the burn also costs requests, so it reads high. cluster read its six
 * levels at 1.1 to 1.6 times their expected (`calibrate --profile ci --repeats 3 --processes 3`,
 * seeds 2201 and 2301): a bias the misses took for luck (sd 2.0% and 3.0% where its A/A runs and
 * pairs read far less). Null at one pair: there the misses of every known truth are all there is
 * (cpuPairLuck, pairLuckSd).
 */
export function cpuLuckEvidence(known: readonly KnownRun[], runs: readonly CalibrationRun[], aaAlone: readonly CalibrationRun[], processes: number): LuckEvidence[] | null {
  if (processes < 2) return null;
  const aa = new Set(aaAlone);
  const misses = known.filter((k) => aa.has(k.run)).map((k): LuckEvidence => ({ run: k.run, ...missEvidence(k, processes) }));
  return [...spreadLuckEvidence('cpuPerRequest', runs, aaAlone, processes), ...misses];
}

/** The CPU luck without `run`'s evidence (leave one out), or from the other known truths' misses where there is no such evidence. */
function cpuLuckWithout(run: CalibrationRun | undefined, known: readonly (KnownTruth & { run?: CalibrationRun })[], evidence: readonly LuckEvidence[] | null, processes: number): { sd: number; n: number } | null {
  if (evidence) return pooledTau(evidence.filter((e) => e.run !== run));
  const others = known.filter((k) => k.run !== run);
  const sd = pairLuckSd(others, processes);
  return sd === null ? null : { sd, n: others.length };
}

/**
 * Each known-truth run judged as a gate given this calibration (`--calibration`) judges it: its
 * CPU interval, and each other metric's with `spread` evidence (latency, throughput), widened by the pair luck
 * the calibration's *other* runs measured (leave one out, so no interval vouches for itself;
 * harness/stats/compare.ts: over P pairs, pooled with their spread and over sqrt(P)), their
 * verdicts and the scenario's from that. The rounds' own intervals
 * measure the pairs they ran in, not the build (README, "How a verdict is reached");
 * calibration.json reports what the gate would draw. A run the others cannot give a luck (fewer
 * than two) is left as it is. `known`'s intervals are the rounds' alone (roundsAlone); its runs'
 * rounds keep their pairs.
 */
export function judgedWithPairLuck(
  known: readonly KnownRun[],
  budgets: Budgets,
  processes = 1,
  spread: Partial<Record<SpreadLuckMetric, LuckEvidence[]>> = {},
  cpuEvidence: readonly LuckEvidence[] | null = null,
): Map<CalibrationRun, CalibrationRun> {
  const judged = new Map<CalibrationRun, CalibrationRun>();
  const from = "the calibration's other runs";
  known.forEach(({ run }) => {
    const cpu = cpuLuckWithout(run, known, cpuEvidence, processes);
    if (cpu === null) return;
    const pairLuck: PairLuckOf = { cpuPerRequest: { ...cpu, from } };
    for (const m of SPREAD_LUCK_METRICS) {
      const pooled = pooledTau((spread[m] ?? []).filter((e) => e.run !== run));
      if (pooled) pairLuck[m] = { ...pooled, from };
    }
    const withLuck = compareRounds(run.result.rounds, budgets, run.seed, { pairLuck });
    if (!withLuck.some((c) => c.metric === 'cpuPerRequest')) return;
    const lucky = new Set(Object.keys(pairLuck));
    const comparisons = run.result.comparisons.map((c) => (lucky.has(c.metric) ? (withLuck.find((x) => x.metric === c.metric) ?? c) : c));
    const verdict = scenarioVerdict(comparisons, run.result.exactness ? run.result.exactness.ok : null);
    judged.set(run, { seed: run.seed, result: { ...run.result, comparisons, verdict } });
  });
  return judged;
}

/** The pairs of processes calibration.json gives the MDE at (mdeByPairsPct). */
const PAIRS_SHOWN = [1, 2, 3, 4, 6, 8];

/**
 * CPU per request's luck of one pair of processes (power.ts, pairLuckSd) from the calibration's
 * runs over `processes` pairs each (their rounds' own intervals), what it does to the MDE (and
 * would do were the same rounds spread over more pairs: the rounds' MDE stays, the luck shrinks
 * by sqrt(P)), and whether intervals widened by it hold their truth (leave one out). `evidence`
 * (cpuLuckEvidence, over P >= 2 pairs): the luck is measured from it, not from the known truths'
 * misses, which then only judge it. Null below three intervals.
 */
export function cpuPairLuck(
  known: readonly (KnownTruth & { run?: CalibrationRun })[],
  mdeCpuPct: number | null,
  processes: number,
  evidence: readonly LuckEvidence[] | null = null,
): PairLuck | null {
  const pooled = evidence ? pooledTau(evidence) : null;
  const sd = evidence ? (pooled?.sd ?? null) : pairLuckSd(known, processes);
  const check = evidence
    ? pairLuckHonesty(known, processes, (i) => cpuLuckWithout(known[i].run, known, evidence, processes)?.sd ?? null)
    : pairLuckHonesty(known, processes);
  if (sd === null || check === null) return null;
  return {
    sdPct: logToPct(sd),
    n: pooled?.n ?? known.length,
    from: evidence ? 'pairs' : 'truths',
    judged: check.n,
    mdePct: mdeCpuPct === null ? null : mdeWithPairLuckPct(mdeCpuPct, sd, processes),
    covered: check.covered,
    ...(check.honesty && { honesty: check.honesty }),
    ...(mdeCpuPct !== null && { mdeByPairsPct: Object.fromEntries(PAIRS_SHOWN.map((p) => [String(p), mdeWithPairLuckPct(mdeCpuPct, sd, p)])) }),
  };
}
