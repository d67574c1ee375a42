import { z } from 'zod';

/**
 * The result file (README, "Commands": `<run-id>/result.json`): the contract between a run and every
 * renderer.
 * Renderers read only this; keep it backwards compatible or bump schemaVersion.
 */
export const SCHEMA_VERSION = 1;

export const Verdict = z.enum(['pass', 'fail', 'inconclusive']);
export type Verdict = z.infer<typeof Verdict>;

export const MetricName = z.enum(['p50', 'p95', 'p99', 'throughput', 'cpuPerRequest', 'errorRate', 'nsPerOp']);
export type MetricName = z.infer<typeof MetricName>;

export const LatencySummary = z.object({
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
  mean: z.number(),
});
export type LatencySummary = z.infer<typeof LatencySummary>;

/**
 * One variant's measured window in one round: a scenario's `rounds` holds two per round (the field
 * keeps its name). Tight windows carry nsPerOp and leave the rest null.
 */
export const WindowResult = z.object({
  round: z.number().int().nonnegative(),
  variant: z.enum(['baseline', 'instrumented']),
  /** 0 if this variant ran first in its round, 1 if second; in a duet both ran together: 0 for both. */
  order: z.number().int().nonnegative(),
  /**
   * Duet design with pinning: the CPU this variant's target and driver were pinned to at the start
   * of this window (with `coreSwap: 'mid-window'` they moved to the other one halfway through).
   */
  core: z.number().int().nonnegative().optional(),
  /**
   * The pair of processes (1-based) this window's target ran in, when the scenario spread its
   * rounds over several pairs started afresh (`processes`); absent: one pair for the whole run.
   */
  process: z.number().int().positive().optional(),
  requests: z.number().nonnegative(),
  errors: z.number().nonnegative(),
  /** Errors by kind (timeout, closed, protocol, error codes); optional detail. */
  errorsByKind: z.record(z.string(), z.number()).optional(),
  /** Open model: requests that could not be sent because maxInFlight was reached. */
  dropped: z.number().nonnegative().optional(),
  /**
   * Successful requests per second of the window's issuing span; closed model: each counted by the
   * share of its time (send to reply) inside the span (harness/driver/recorder.ts, spanShare).
   */
  throughput: z.number().nonnegative(),
  /**
   * Closed model with both variants sending the same requests: the requests this window and the
   * other variant's window of its round both finished, and this variant's time for them (the mean
   * over clients of when each finished its last; harness/stats/matched-work.ts). The throughput
   * comparison is then made on these (matched requests per that time) rather than on `throughput`.
   */
  matchedWork: z.object({ requests: z.number().int().positive(), clients: z.number().int().positive(), ms: z.number().positive() }).optional(),
  latencyUs: LatencySummary.nullable(),
  /** HdrHistogram, compressed and base64-encoded (hdr-histogram-js encodeIntoCompressedBase64). */
  histogram: z.string().nullable(),
  cpuUs: z.object({ user: z.number(), system: z.number() }).nullable(),
  cpuPerRequestUs: z.number().nullable(),
  rssBytes: z.number().nullable(),
  driverCpuPct: z.number().nullable(),
  valid: z.boolean(),
  /** Why a window was excluded (driver saturated, target died...). */
  invalidReason: z.string().optional(),
  /** Tight benchmarks: nanoseconds per operation, empty batch subtracted. */
  nsPerOp: z.number().optional(),
  /** Per-tool latency summaries, when the driver recorded them. */
  perTool: z.record(z.string(), z.object({ requests: z.number(), latencyUs: LatencySummary.nullable() })).optional(),
  /** Tight benchmarks: extra per-window measurements (bytes/op, bytes/client...). */
  extra: z.record(z.string(), z.number()).optional(),
});
export type WindowResult = z.infer<typeof WindowResult>;

/** How the two variants shared the machine (harness/run/duet.ts). */
export const DesignName = z.enum(['interleaved', 'duet']);

/**
 * Two pairs of processes side by side, for one metric (CPU per request; throughput for a target
 * without a pid): each pair's mean change and the sd of a pair's luck their spread implies, percent.
 */
export const PairCheck = z.object({
  metric: MetricName,
  estimatesPct: z.tuple([z.number(), z.number()]),
  luckSdPct: z.number().nonnegative(),
});
export type PairCheck = z.infer<typeof PairCheck>;

export const Comparison = z.object({
  metric: MetricName,
  /**
   * The threshold the verdict used: the budget as written, or its floor in percent of the
   * baseline's median when that is larger. For errorRate, percentage points.
   */
  budgetPct: z.number(),
  /** The budget as the scenario wrote it, when a floor was given (then budgetPct may be larger). */
  budgetPctAsWritten: z.number().optional(),
  /** The budget's floor in microseconds: a change smaller than this is no regression. */
  floorUs: z.number().optional(),
  /** Sequential rounds (--until-decided): the look this verdict comes from, and its two-sided alpha. */
  looks: z.number().int().positive().optional(),
  alpha: z.number().positive().max(1).optional(),
  /**
   * Overhead in percent, positive = worse (for throughput, a drop). For errorRate, the
   * instrumented error rate minus the baseline's, in percentage points (so are its interval ends).
   */
  estimatePct: z.number().nullable(),
  ciLowPct: z.number().nullable(),
  ciHighPct: z.number().nullable(),
  verdict: Verdict,
  /**
   * How the per-round changes became the estimate and interval: their mean with a bootstrap
   * interval, or their Hodges-Lehmann shift with its signed-rank interval (harness/stats/hodges-lehmann.ts).
   * Absent in results that predate it (the mean).
   */
  estimator: z.enum(['mean', 'hodges-lehmann']).optional(),
  /** Number of valid rounds the comparison was made over. */
  rounds: z.number().int().nonnegative().optional(),
  /**
   * Pairs of processes the rounds came from, when more than one: the interval is then across
   * pairs (Student's t on their estimates, harness/stats/processes.ts), not across rounds.
   */
  processes: z.number().int().positive().optional(),
  /**
   * The luck of the pairs of processes counted in this interval (sd of the change, percent, added
   * in quadrature: harness/stats/processes.ts, withPairLuck): one pair's, known from a
   * calibration (the scenario's `pairLuck`, or `--calibration`); over P pairs, that of their mean,
   * the known luck pooled with their spread (pooledLuck), or without one, at P = 2, their spread's.
   */
  pairSdPct: z.number().nonnegative().optional(),
  /**
   * Percentiles: requests beyond the percentile in the thinnest window of either variant (a p99 of
   * 800 requests rests on 8). Below 10, a window's percentile is a handful of requests.
   */
  tailRequests: z.number().int().nonnegative().optional(),
  /**
   * Throughput: made on the time each variant took for the same requests (WindowResult.matchedWork),
   * here the fewest such requests in any round; absent: on each window's own count.
   */
  matchedRequests: z.number().int().positive().optional(),
  /** Plain-words reading, criterion-style ("No change in performance detected"...). */
  note: z.string().optional(),
  baselineMedian: z.number().nullable().optional(),
  instrumentedMedian: z.number().nullable().optional(),
});
export type Comparison = z.infer<typeof Comparison>;

/** How a variant's target was run: enough to reproduce it. */
export const VariantInfo = z.object({
  target: z.string(),
  env: z.record(z.string(), z.string()).optional(),
  pid: z.number().nullable().optional(),
  backend: z.string().optional(),
});
export type VariantInfo = z.infer<typeof VariantInfo>;

export const Exactness = z.object({
  expected: z.number(),
  recorded: z.number(),
  ok: z.boolean(),
  detail: z.string().optional(),
});
export type Exactness = z.infer<typeof Exactness>;

export const ScenarioResult = z.object({
  name: z.string(),
  kind: z.enum(['tight', 'realistic']),
  description: z.string().optional(),
  profile: z.string().optional(),
  verdict: Verdict,
  variants: z.object({ baseline: VariantInfo, instrumented: VariantInfo }),
  /** Every measured window, both variants of every round (the name predates WindowResult). */
  rounds: z.array(WindowResult),
  comparisons: z.array(Comparison),
  exactness: Exactness.nullable(),
  /** How the variants shared the machine (scenario `design`); absent in results that predate it. */
  design: DesignName.optional(),
  /**
   * Duet only: 'cpuset' when each variant's target tree and driver were in their own cpuset group,
   * the groups' cores alternating every 20 ms; 'taskset' when pinned to their own core (swapped
   * every round); 'none' when they ran unpinned (no taskset, fewer than two cores, a target without
   * a pid, or a placement that failed mid-run).
   */
  pinning: z.enum(['cpuset', 'taskset', 'none']).optional(),
  /**
   * Seconds of settling windows (nothing recorded) each pair of processes ran after its initial
   * warm-up, while its CPU per request was still falling (harness/run/settle.ts).
   */
  settleSec: z.array(z.number().nonnegative()).optional(),
  /**
   * true when the load ran on through a pair's rounds instead of draining after each window (a
   * duet whose drain took over 2 s: harness/run/measured-window.ts, runsContinuously). Its windows
   * count each request that finished in them, carry no matched work, and its exactness is checked
   * over each pair's whole span of rounds.
   */
  continuousLoad: z.boolean().optional(),
  /** Pairs of target processes the rounds were spread over, when more than one (windows carry their `process`). */
  processes: z.number().int().positive().optional(),
  /**
   * Rounds from exactly two pairs of processes: what each read, and their luck (harness/run/compare-rounds.ts,
   * pairCheck); every percent interval counts the luck of its own metric's pairs.
   */
  pairCheck: PairCheck.optional(),
  /** Placed duet: cores alternated every 20 ms (cpuset), swapped at every round only, or also halfway through each measured window. */
  coreSwap: z.enum(['rapid', 'mid-window', 'round']).optional(),
  /** Sequential rounds (--until-decided): looks taken, looks planned, and why it stopped. */
  looks: z.number().int().positive().optional(),
  maxLooks: z.number().int().positive().optional(),
  stoppedBy: z.enum(['decided', 'max-looks', 'time']).optional(),
  /** A scenario that could not run (target died...) is data, not a throw. */
  error: z.string().optional(),
});
export type ScenarioResult = z.infer<typeof ScenarioResult>;

export const WorldInfo = z.object({
  redis: z.string(),
  supabase: z.string(),
  provider: z.string(),
  /** Each variant had a world of its own, from the same seed (common random numbers); absent: one shared world. */
  paired: z.boolean().optional(),
  /** Paired worlds that share one RESP fake, each variant in a Redis database of its own (harness/targets/fakes-process.ts, sharesRedis). */
  sharedRedis: z.boolean().optional(),
});

export const Result = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.string(), version: z.string() }),
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** The command line that reproduces this run. */
  command: z.string().optional(),
  seed: z.number().optional(),
  env: z.object({
    node: z.string(),
    os: z.string(),
    cpuModel: z.string(),
    cpus: z.number(),
    gitSha: z.string().nullable(),
    world: WorldInfo.nullable(),
  }),
  verdict: Verdict,
  /** How many budget comparisons the verdict rests on (multiple-comparison context). */
  comparisonsMade: z.number().int().nonnegative().optional(),
  scenarios: z.array(ScenarioResult),
});
export type Result = z.infer<typeof Result>;
