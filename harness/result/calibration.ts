import { z } from 'zod';
import { DesignName, Verdict } from './schema.ts';

/**
 * `calibration.json` (README, "Commands": `overbench calibrate`): what the harness can tell apart
 * on this machine. The required fields are a contract other tools read; the optional ones are
 * detail for people and may grow. Keep it backwards compatible or bump schemaVersion.
 */
export const CALIBRATION_SCHEMA_VERSION = 1;

/** Per metric: a number, or null when it could not be estimated (too few rounds, metric not measured). */
const PerMetric = z.record(z.string(), z.number().nullable());

export const AaSummary = z.object({
  /** A/A repeats that produced a result (an errored repeat is left out of the rates). */
  repeats: z.number().int().nonnegative(),
  /** Share of repeats whose scenario verdict was `fail`: two identical builds called different. */
  falseFailRate: z.number().min(0).max(1).nullable(),
  /** Share of repeats whose verdict was `inconclusive`: the run could not tell identical builds apart from a budget-sized change. */
  falseInconclusiveRate: z.number().min(0).max(1).nullable(),
  /** Mean half-width of the 95% interval, percent (percentage points for errorRate). */
  halfWidthPct: PerMetric,
  /**
   * Share of the A/A intervals that hold 0, the truth: about 0.95 when the intervals are honest.
   * Lower means a noise the interval does not see (between processes, not rounds: NOTEBOOK.md, "fifth session").
   */
  coversZero: PerMetric.optional(),
  /**
   * Detail: standard deviation of the repeats' estimates, percent (pp). Honest intervals have
   * about halfWidthPct / 1.96 here; much more is a noise between runs (processes) that each run's
   * interval does not see.
   */
  estimateSdPct: PerMetric.optional(),
  /** Detail: each repeat's seed and verdict. */
  runs: z.array(z.object({ seed: z.number(), verdict: Verdict.nullable(), error: z.string().optional() })).optional(),
  /** Detail: standard deviation of the per-round change (log-ratio, or pp), pooled within repeats. */
  perRoundSd: PerMetric.optional(),
});

export const InjectedLevel = z.object({
  burnUs: z.number().int().nonnegative(),
  /**
   * 100 * burnUs / this run's own baseline CPU per request (runBaselineCpuPerRequestUs), the truth
   * its interval is judged against; plannedPct when the run measured none.
   */
  expectedPct: z.number(),
  /** Detail: 100 * burnUs / the A/A baseline's CPU per request: the overhead the level was sized for. */
  plannedPct: z.number().optional(),
  /** The cpuPerRequest comparison of this run. */
  estimatePct: z.number().nullable(),
  ciLowPct: z.number().nullable(),
  ciHighPct: z.number().nullable(),
  verdict: Verdict,
  /** Detail: the multiple of the cpuPerRequest budget this level aims at (0, 0.5, 1, 2). */
  multiple: z.number().optional(),
  /** Detail: this run's own baseline median CPU per request (us): what expectedPct divides by. */
  runBaselineCpuPerRequestUs: z.number().nullable().optional(),
  /** Detail: whether [ciLowPct, ciHighPct] holds expectedPct. */
  coverage: z.boolean().nullable().optional(),
  /** Detail: the run's seed; `aa` when the zero level is the first A/A repeat (the same experiment). */
  seed: z.number().optional(),
  source: z.enum(['aa', 'injected']).optional(),
  scenarioVerdict: Verdict.optional(),
  error: z.string().optional(),
  /**
   * Detail: the interval from the run's rounds alone, before the pair luck the calibration's other
   * runs measured widened it (ciLowPct, ciHighPct and verdict above are the widened ones, as a gate
   * given this calibration draws them).
   */
  roundsCi: z.object({ ciLowPct: z.number().nullable(), ciHighPct: z.number().nullable(), verdict: Verdict }).optional(),
});

const IntervalHonesty = z.object({ n: z.number().int().positive(), scale: z.number(), chiSquare: z.number(), pValue: z.number() });

/**
 * One pair of processes' luck for CPU per request: the sd of the offset a pair carries (percent),
 * from `n` degrees of freedom; `from` says which: `truths`, the misses of the intervals with a known
 * truth (power.ts, pairLuckSd; one pair per run), or `pairs`, the spread of each run's pairs and the
 * A/A runs' misses (summarise.ts, cpuLuckEvidence; several). Then the MDE once it counts; and, each
 * known-truth interval widened by the luck measured without its run, how many held their truth
 * (`covered`) and their honesty.
 */
export const PairLuck = z.object({
  sdPct: z.number().nonnegative(),
  n: z.number().int().positive(),
  from: z.enum(['truths', 'pairs']).optional(),
  /** The known-truth intervals judged (`covered` of them); where absent, `n`. */
  judged: z.number().int().nonnegative().optional(),
  mdePct: z.number().nullable(),
  covered: z.number().int().nonnegative(),
  honesty: IntervalHonesty.optional(),
  /**
   * Detail: the MDE were the same rounds spread over P pairs of processes (key: P), the luck of
   * their mean counting over sqrt(P): what more pairs would buy (`processes` in a scenario's profile).
   */
  mdeByPairsPct: z.record(z.string(), z.number()).optional(),
});

/**
 * The metrics whose pair luck a calibration measures from a spread, beside CPU per request's from
 * the known truths: the latency percentiles and throughput, whose truth an injected burn does not
 * give. Throughput: reconnect-churn at one pair read +3.8% [+1.9%, +6.5%] of throughput in one gate
 * (`gate --seed 2123`) and -0.4% to +1.2% in four others, one slow instrumented process throughout.
 */
export const SPREAD_LUCK_METRICS = ['p50', 'p95', 'p99', 'throughput'] as const;
export type SpreadLuckMetric = (typeof SPREAD_LUCK_METRICS)[number];

/**
 * A latency percentile's or throughput's pair luck (harness/calibrate/summarise.ts, spreadPairLuck): sd percent,
 * from `n` degrees of freedom, measured `from` the A/A runs' misses of their true 0 (one pair per
 * run) or the spread of each run's pairs (several).
 */
export const SpreadPairLuck = z.object({ sdPct: z.number().nonnegative(), n: z.number().int().positive(), from: z.enum(['aa', 'pairs']) });
export type SpreadPairLuck = z.infer<typeof SpreadPairLuck>;

export const ScenarioCalibration = z.object({
  name: z.string(),
  profile: z.string(),
  rounds: z.number().int().positive(),
  aa: AaSummary,
  injected: z.array(InjectedLevel),
  /**
   * Minimum detectable effect at `rounds` (alpha 0.05, power 80%), percent (pp for errorRate), of
   * the intervals a gate given this calibration draws: CPU per request's counts the luck of the
   * run's pairs of processes (roundsMdePct is the rounds' alone).
   */
  mdePct: PerMetric,
  /** Detail, calibrations with a pair luck: the MDE of the rounds' own intervals, before the luck. */
  roundsMdePct: PerMetric.optional(),
  /** Detail: the budgets the verdicts used, as written (percent; pp for errorRate). */
  budgetsPct: PerMetric.optional(),
  /** Detail: median CPU per request of the A/A windows, microseconds: what the burn levels are sized by (plannedPct). */
  baselineCpuPerRequestUs: z.number().nullable().optional(),
  /** Detail: rounds needed for the MDE of the rounds' own intervals to reach each metric's budget (a pair's luck does not shrink with rounds in one pair). */
  roundsFor: PerMetric.optional(),
  /** Detail: why part of the calibration is missing (a target died, no CPU measured...). */
  notes: z.array(z.string()).optional(),
  /** Detail: how the variants shared the machine (`duet` or `interleaved`). */
  design: DesignName.optional(),
  /** Detail: pairs of processes each run spread its rounds over, when more than one. */
  processes: z.number().int().positive().optional(),
  /**
   * Detail: whether the cpuPerRequest intervals are as wide as the truth needs, over every interval
   * whose truth is known (the A/A runs: 0; the injected levels: their expected). `scale` is the
   * root mean square miss in standard errors, about 1 when honest; `pValue` the chance of one this
   * large from honest intervals (harness/calibrate/power.ts, intervalHonesty).
   */
  intervalHonesty: IntervalHonesty.optional(),
  /**
   * Detail: the luck each pair of processes carries (a scenario's `pairLuck`, or `realistic` and
   * `gate --calibration`, count it in their intervals), per metric: CPU per request's from every
   * interval with a known truth, the latency percentiles' and throughput's (SpreadPairLuck) from the A/A runs or
   * the pairs' spread. Per pair whatever the runs' pairs: a calibration over P pairs measures
   * CPU's from its rounds' misses of the truth, which carry it over sqrt(P).
   */
  pairLuck: z.object({ cpuPerRequest: PairLuck, p50: SpreadPairLuck, p95: SpreadPairLuck, p99: SpreadPairLuck, throughput: SpreadPairLuck }).partial().optional(),
  /** Detail: a pinned duet's core swaps (`mid-window` or `round`), when given on the command line. */
  coreSwap: z.enum(['rapid', 'mid-window', 'round']).optional(),
});

export const Calibration = z.object({
  schemaVersion: z.literal(CALIBRATION_SCHEMA_VERSION),
  scenarios: z.array(ScenarioCalibration),
  runId: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  command: z.string().optional(),
  seed: z.number().optional(),
  /** Detail: the formulas' constants, so a reader can redo the arithmetic. */
  method: z.object({ alpha: z.number(), power: z.number(), burnMultiples: z.array(z.number()) }).optional(),
  env: z.object({ node: z.string(), os: z.string(), cpuModel: z.string(), cpus: z.number(), gitSha: z.string().nullable() }).optional(),
});

export type AaSummary = z.infer<typeof AaSummary>;
export type InjectedLevel = z.infer<typeof InjectedLevel>;
export type ScenarioCalibration = z.infer<typeof ScenarioCalibration>;
export type Calibration = z.infer<typeof Calibration>;

type IntervalHonesty = z.infer<typeof IntervalHonesty>;
export type PairLuck = z.infer<typeof PairLuck>;

/** Intervals narrower than the truth needs: a scale this large comes from honest ones under 5% of the time. */
export const tooNarrow = (h: IntervalHonesty): boolean => h.pValue < 0.05;

/**
 * `intervalHonesty` in one sentence, for the terminal, summary.md and the HTML report: at p < 0.05
 * the intervals are too narrow, by `scale`, and the remedy is to count the pairs' luck.
 */
export function describeIntervalHonesty(h: IntervalHonesty, processes: number | undefined): string {
  const p = h.pValue < 0.001 ? 'p < 0.001' : `p = ${h.pValue.toFixed(3)}`;
  const what = `CPU per request, ${h.n} intervals with a known truth (A/A and injected): they miss it by ${h.scale.toFixed(1)} standard errors (root mean square; 1 when honest), chi-square ${h.chiSquare.toFixed(1)} on ${h.n}, ${p}`;
  if (!tooNarrow(h)) return `${what}: as wide as the truth needs.`;
  const remedy = (processes ?? 1) > 1
    ? `the spread between this run's ${processes} pairs of processes does not hold it either: more pairs, or the expected is off (a burn that costs the daemon more than its own length reads high at every level)`
    : 'each pair of processes carries luck its rounds cannot see: spread the rounds over pairs with --processes (4 or more), whose interval counts it, or add the luck measured here (Pair luck) with --calibration';
  return `${what}: the intervals are ${h.scale.toFixed(1)}x too narrow; ${remedy}.`;
}

/** The latency percentiles' and throughput's pair luck in one sentence; null when none was measured. */
export function describeSpreadPairLuck(p: NonNullable<ScenarioCalibration['pairLuck']>): string | null {
  const measured = SPREAD_LUCK_METRICS.flatMap((m) => (p[m] ? [[m, p[m]] as const] : []));
  if (measured.length === 0) return null;
  const from = measured[0][1];
  const how = from.from === 'pairs' ? `the spread of each run's pairs of processes (${from.n} degrees of freedom)` : `the A/A runs' misses of their true 0 (${from.n})`;
  return `latency and throughput, one pair of processes' luck: ${measured.map(([m, l]) => `${m} ${l.sdPct.toFixed(1)}%`).join(', ')}, from ${how}; those intervals above count it too.`;
}

/** `pairLuck.cpuPerRequest` in one sentence, for the terminal, summary.md and the HTML report. */
export function describePairLuck(p: PairLuck): string {
  const mde = p.mdePct === null ? '' : `; the MDE with it ${p.mdePct.toFixed(1)}%`;
  const check = p.honesty ? `, root mean square miss ${p.honesty.scale.toFixed(1)} standard errors (p = ${p.honesty.pValue.toFixed(2)})` : '';
  const byPairs = p.mdeByPairsPct ? ` The same rounds over more pairs of processes: MDE ${Object.entries(p.mdeByPairsPct).map(([k, v]) => `${v.toFixed(1)}% at ${k}`).join(', ')}.` : '';
  const from = p.from === 'pairs'
    ? `${p.n} degrees of freedom: the spread of each run's pairs of processes, and the A/A runs' misses of their true 0`
    : `${p.n} intervals with a known truth`;
  return `CPU per request, one pair of processes carries an offset of sd ${p.sdPct.toFixed(1)}% that its rounds cannot see (from ${from})${mde}. Each interval with a known truth, widened by the luck measured without its run, held its truth in ${p.covered} of ${p.judged ?? p.n}${check}; the CPU intervals, verdicts and MDE above are so widened, as a gate that counts this luck draws them (the rounds' own: 'rounds alone'). A gate counts it with \`--calibration\` and this file, or with \`pairLuck: { cpuPerRequest: { sdPct, n } }\` in the scenario.${byPairs}`;
}
