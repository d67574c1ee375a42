import { DEFAULT_ERROR_RATE_BUDGET_PP, METRICS, REALISTIC_METRICS } from '../result/metrics.ts';
import type { Comparison, MetricName, PairCheck, WindowResult } from '../result/schema.ts';
import type { Budget, Budgets } from '../scenario/schema.ts';
import { fmtSigned } from '../../common/format.ts';
import { compareMetric, fromPct, median, perRoundChanges, toPct, type Estimator } from '../stats/compare.ts';
import { matchedRate } from '../stats/matched-work.ts';
import { twoPairLuck, type KnownLuck } from '../stats/processes.ts';

/** Rounds in which both variants are valid, as [baseline, instrumented] pairs (the round is the unit). */
export function validPairs(rounds: readonly WindowResult[]): [WindowResult, WindowResult][] {
  const byRound = new Map<number, Partial<Record<'baseline' | 'instrumented', WindowResult>>>();
  for (const r of rounds) byRound.set(r.round, { ...byRound.get(r.round), [r.variant]: r });
  const pairs: [WindowResult, WindowResult][] = [];
  for (const [, p] of [...byRound].sort((a, b) => a[0] - b[0])) {
    if (p.baseline?.valid && p.instrumented?.valid) pairs.push([p.baseline, p.instrumented]);
  }
  return pairs;
}

/**
 * A metric's budget as the verdict takes it: percent (percentage points for errorRate) and an
 * optional floor. errorRate is always judged, at 0.1 pp when the scenario gives no budget; any
 * other metric without a budget is not compared.
 */
export function budgetOf(budgets: Budgets, metric: MetricName): { budgetPct: number; floorUs?: number } | null {
  const b: Budget | undefined = metric === 'errorRate' ? (budgets.errorRate ?? DEFAULT_ERROR_RATE_BUDGET_PP) : budgets[metric as keyof Budgets];
  if (b === undefined) return null;
  return typeof b === 'number' ? { budgetPct: b } : { budgetPct: b.pct, floorUs: b.floorUs };
}

/** Below this many requests beyond a percentile in some window, the comparison says so. */
export const THIN_TAIL = 10;

/**
 * Requests beyond a percentile in the thinnest window of the valid pairs (either variant), or
 * undefined for a metric that is no percentile. Windows of 1.5 s at 800 requests/s leave 12
 * requests beyond p99: that window's p99 is the 12th-slowest request, a noisy figure.
 */
export function tailRequests(pairs: readonly [WindowResult, WindowResult][], tailShare: number | undefined): number | undefined {
  if (tailShare === undefined || pairs.length === 0) return undefined;
  return Math.min(...pairs.flat().map((w) => Math.floor(w.requests * tailShare)));
}

export interface CompareOptions {
  alpha?: number;
  estimator?: Estimator;
  /** Per metric, one pair of processes' luck, from a calibration (--calibration) or the scenario's `pairLuck`. */
  pairLuck?: PairLuck;
}

/** The between-pair sd of each metric's change (log-ratio) that a calibration measured, with its weight and source. */
export type PairLuck = Partial<Record<MetricName, KnownLuck>>;

/**
 * One comparison per metric that has a budget: percent metrics by the Hodges-Lehmann shift of their
 * per-round log-ratios (harness/stats/hodges-lehmann.ts says why; `estimator: 'mean'` for rounds
 * that were not measured side by side, as ingested runs), errorRate by its mean difference. A metric the targets cannot provide (CPU of a url target without a pid) is left out
 * rather than judged on nothing. `alpha`: the intervals' two-sided
 * error rate (default 0.05; a sequential look passes its share, `harness/stats/sequential.ts`);
 * `pairLuck`: a known pair's luck, counted in the intervals (harness/stats/compare.ts).
 */
export function compareRounds(rounds: readonly WindowResult[], budgets: Budgets, seed: number, opts: CompareOptions = {}): Comparison[] {
  const { alpha, estimator = 'hodges-lehmann', pairLuck } = opts;
  const pairs = validPairs(rounds);
  const out: Comparison[] = [];
  REALISTIC_METRICS.forEach((metric, i) => {
    const { higherIsWorse, value, tailShare } = METRICS[metric];
    const budget = budgetOf(budgets, metric);
    if (budget === null) return;
    const unavailable = rounds.length > 0 && rounds.every((r) => value(r) === null);
    if (unavailable) return;
    const { baseline, instrumented, matched } = seriesOf(metric, pairs);
    const measured = (w: WindowResult) => value(w) ?? Number.NaN;
    const c = compareMetric({
      metric,
      ...budget,
      higherIsWorse,
      baseline,
      instrumented,
      processes: pairs.map(([b]) => b.process ?? 1),
      seed: (seed + i * 0x9e3779b1) >>> 0,
      ...(alpha !== undefined && { alpha }),
      ...(pairLuck?.[metric] !== undefined && { pairLuck: pairLuck[metric] }),
      estimator,
    });
    if (matched) {
      // The table's columns stay each window's own throughput; the change is the matched work's.
      out.push({
        ...c,
        matchedRequests: matched.fewest,
        baselineMedian: median(pairs.map(([b]) => measured(b))),
        instrumentedMedian: median(pairs.map(([, x]) => measured(x))),
      });
      return;
    }
    const tail = tailRequests(pairs, tailShare);
    if (tail === undefined) {
      out.push(c);
      return;
    }
    const thin = tail < THIN_TAIL ? `${metric} rests on ${tail} request(s) beyond it in the thinnest window: lengthen the windows to trust it` : undefined;
    out.push({ ...c, tailRequests: tail, ...(thin && { note: c.note ? `${c.note}. ${thin}` : thin }) });
  });
  return out;
}

/**
 * What a metric's comparison reads from the valid pairs: each variant's values, by round; for
 * throughput the matched work's rates where every pair has them (`matched`), else the windows' own.
 */
function seriesOf(metric: MetricName, pairs: readonly [WindowResult, WindowResult][]): { baseline: number[]; instrumented: number[]; matched: ReturnType<typeof matchedRates> } {
  const matched = metric === 'throughput' ? matchedRates(pairs) : null;
  if (matched) return { baseline: matched.baseline, instrumented: matched.instrumented, matched };
  const measured = (w: WindowResult) => METRICS[metric].value(w) ?? Number.NaN;
  return { baseline: pairs.map(([b]) => measured(b)), instrumented: pairs.map(([, x]) => measured(x)), matched: null };
}

/**
 * Throughput by the matched work (harness/stats/matched-work.ts): each pair's rate of the requests
 * both variants finished, when every pair has it; null otherwise (the open model, worlds of their
 * own without the same requests, ingested runs), and the windows' own counts are compared.
 */
export function matchedRates(pairs: readonly [WindowResult, WindowResult][]): { baseline: number[]; instrumented: number[]; fewest: number } | null {
  if (pairs.length === 0) return null;
  const baseline: number[] = [];
  const instrumented: number[] = [];
  let fewest = Number.POSITIVE_INFINITY;
  for (const [b, x] of pairs) {
    const mb = b.matchedWork;
    const mx = x.matchedWork;
    if (mb === undefined || mx === undefined || mb.requests !== mx.requests) return null;
    baseline.push(matchedRate(mb.requests, mb.ms));
    instrumented.push(matchedRate(mx.requests, mx.ms));
    fewest = Math.min(fewest, mb.requests);
  }
  return { baseline, instrumented, fewest };
}

/**
 * Rounds from exactly two pairs of processes: what each pair read of CPU per request (throughput
 * for targets without a pid) and the luck their spread implies (harness/stats/processes.ts,
 * twoPairLuck), for the reports; each comparison counts its own metric's. Null with any other
 * number of pairs, or too few rounds in one.
 */
export function pairCheck(rounds: readonly WindowResult[]): PairCheck | null {
  const pairs = validPairs(rounds);
  const metric: MetricName = pairs.some(([b]) => METRICS.cpuPerRequest.value(b) !== null) ? 'cpuPerRequest' : 'throughput';
  const byPair = changesByPair(metric, rounds);
  if (byPair.length !== 2) return null;
  const luck = twoPairLuck([byPair[0], byPair[1]]);
  if (luck === null) return null;
  return { metric, estimatesPct: [toPct(luck.estimates[0]), toPct(luck.estimates[1])], luckSdPct: toPct(luck.sd) };
}

/**
 * A metric's per-round changes (oriented so that positive is worse) over the rounds where both
 * variants are valid, grouped by the pair of processes each round ran in, in the pairs' order.
 * Throughput by the matched work where the rounds have it, as compareRounds judges it.
 */
export function changesByPair(metric: MetricName, rounds: readonly WindowResult[]): number[][] {
  const pairs = validPairs(rounds);
  const pairOf = ([b]: [WindowResult, WindowResult]) => b.process ?? 1;
  return [...new Set(pairs.map(pairOf))].sort((a, b) => a - b).map((n) => {
    const { baseline, instrumented } = seriesOf(metric, pairs.filter((p) => pairOf(p) === n));
    return perRoundChanges(metric, baseline, instrumented, METRICS[metric].higherIsWorse);
  });
}

/**
 * A pair luck given in percent per metric (a scenario's `pairLuck`, or calibration.json's) as the
 * comparisons count it (log-ratio sd), each entry naming `from`; undefined when none is given.
 */
export function pairLuckFrom(percent: Partial<Record<string, { sdPct: number; n: number }>> | undefined, from: string): PairLuck | undefined {
  const given = Object.entries(percent ?? {}).filter((e): e is [string, { sdPct: number; n: number }] => e[1] !== undefined);
  if (given.length === 0) return undefined;
  return Object.fromEntries(given.map(([metric, l]) => [metric, { sd: fromPct(l.sdPct), n: l.n, from }]));
}

/** "CPU per request +13.2% and +1.1% (a pair's luck: sd 7.9%)": the two pairs in words, for reports. */
export function describePairCheck(check: PairCheck): string {
  const [a, b] = check.estimatesPct.map((x) => `${fmtSigned(x, 1)}%`);
  return `${METRICS[check.metric].label} ${a} and ${b} (a pair's luck: sd ${check.luckSdPct.toFixed(1)}%)`;
}
