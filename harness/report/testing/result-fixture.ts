/**
 * Synthetic but schema-valid results for the reporters' tests: real HdrHistograms recorded from a
 * seeded lognormal, rounds interleaved as a run makes them, comparisons computed with the real
 * statistics. Test support only; nothing in the product imports it.
 */
import { createRng, type Rng } from '../../../common/latency.ts';
import { encodeHistogram, newHistogram, summarize } from '../../driver/histogram.ts';
import { Result, SCHEMA_VERSION, type Comparison, type MetricName, type WindowResult, type ScenarioResult } from '../../result/schema.ts';
import { compareMetric, overallVerdict, scenarioVerdict } from '../../stats/compare.ts';
import { METRICS } from '../../result/metrics.ts';
import { validPairs } from '../rounds.ts';

export interface RealisticFixture {
  name: string;
  rounds?: number;
  /** Multiplier on instrumented latency and CPU (1.02 = 2% slower). */
  slowdown?: number;
  /** Relative round-to-round noise (sd of a per-round factor). */
  noise?: number;
  budgets?: Partial<Record<MetricName, number>>;
  /** Round indexes whose instrumented window is invalid. */
  invalidRounds?: number[];
  exactness?: { expected: number; recorded: number } | null;
  requestsPerRound?: number;
  seed?: number;
  error?: string;
}

export interface TightFixture {
  workload: string;
  backend: string;
  baselineNs: number;
  instrumentedNs: number;
  rounds?: number;
  budgetPct?: number;
}

const DEFAULT_BUDGETS: Partial<Record<MetricName, number>> = { p50: 2, p95: 3, p99: 5, throughput: 2, cpuPerRequest: 5 };

function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function windowOf(rng: Rng, round: number, variant: WindowResult['variant'], order: number, factor: number, requests: number): WindowResult {
  const h = newHistogram();
  // lognormal with median 120 ms and a long tail, like a provider call
  for (let i = 0; i < requests; i++) h.recordValue(Math.round(120_000 * factor * Math.exp(0.6 * gaussian(rng))));
  const measureSec = 10;
  const jitter = 1 + 0.01 * gaussian(rng); // each window's own noise on top of the round's drift
  const cpuTotal = requests * 180 * factor * jitter;
  return {
    round, variant, order, requests, errors: round % 3 === 0 ? 1 : 0,
    errorsByKind: round % 3 === 0 ? { timeout: 1 } : {},
    throughput: requests / measureSec / factor / jitter,
    latencyUs: summarize(h),
    histogram: encodeHistogram(h),
    cpuUs: { user: Math.round(cpuTotal * 0.8), system: Math.round(cpuTotal * 0.2) },
    cpuPerRequestUs: cpuTotal / requests,
    rssBytes: 80 * 1024 * 1024,
    driverCpuPct: 12,
    valid: true,
  };
}

export function realisticScenario(f: RealisticFixture): ScenarioResult {
  const rng = createRng(f.seed ?? 7);
  const n = f.rounds ?? 6;
  const slowdown = f.slowdown ?? 1.01;
  const noise = f.noise ?? 0.01;
  const requests = f.requestsPerRound ?? 400;
  const invalid = new Set(f.invalidRounds ?? []);
  const rounds: WindowResult[] = [];
  for (let r = 0; r < n; r++) {
    const drift = 1 + noise * gaussian(rng);
    const instrumentedFirst = r % 2 === 1; // alternate who goes first, as the harness does
    const b = windowOf(rng, r, 'baseline', instrumentedFirst ? 1 : 0, drift, requests);
    const i = windowOf(rng, r, 'instrumented', instrumentedFirst ? 0 : 1, drift * slowdown, requests);
    if (invalid.has(r)) Object.assign(i, { valid: false, invalidReason: 'driver CPU 97% > 90%: the driver, not the target, was the bottleneck', driverCpuPct: 97 });
    rounds.push(...(instrumentedFirst ? [i, b] : [b, i]));
  }
  const budgets = { ...DEFAULT_BUDGETS, ...f.budgets };
  const comparisons = comparisonsFor(rounds, budgets, f.seed ?? 7);
  const exactness = f.exactness === null ? null : withOk(f.exactness ?? { expected: 4800, recorded: 4800 });
  return {
    name: f.name, kind: 'realistic', description: `synthetic ${f.name}`, profile: 'smoke',
    verdict: f.error ? 'inconclusive' : scenarioVerdict(comparisons, exactness?.ok ?? null),
    variants: {
      baseline: { target: 'reference daemon', env: { METRICS_BACKEND: 'none' }, backend: 'none' },
      instrumented: { target: 'reference daemon', env: { METRICS_BACKEND: 'fast' }, backend: 'fast' },
    },
    rounds, comparisons, exactness, ...(f.error ? { error: f.error } : {}),
  };
}

/** Comparisons over the rounds where both variants are valid, as a run computes them. */
export function comparisonsFor(rounds: readonly WindowResult[], budgets: Partial<Record<MetricName, number>>, seed: number): Comparison[] {
  const pairs = validPairs(rounds);
  return (Object.entries(budgets) as [MetricName, number][]).map(([metric, budgetPct]) => {
    const m = METRICS[metric];
    return compareMetric({
      metric, budgetPct, higherIsWorse: m.higherIsWorse, seed, resamples: 2000,
      baseline: pairs.map(([b]) => m.value(b) ?? NaN),
      instrumented: pairs.map(([, x]) => m.value(x) ?? NaN),
    });
  });
}

export function tightScenario(f: TightFixture): ScenarioResult {
  const rng = createRng(f.baselineNs * 31 + f.instrumentedNs);
  const n = f.rounds ?? 6;
  const rounds: WindowResult[] = [];
  for (let r = 0; r < n; r++) {
    for (const [variant, ns] of [['baseline', f.baselineNs], ['instrumented', f.instrumentedNs]] as const) {
      rounds.push({
        round: r, variant, order: variant === 'baseline' ? r % 2 : 1 - (r % 2), requests: 1_000_000, errors: 0, throughput: 0,
        latencyUs: null, histogram: null, cpuUs: null, cpuPerRequestUs: null, rssBytes: null, driverCpuPct: null, valid: true,
        nsPerOp: ns * (1 + 0.02 * gaussian(rng)),
      });
    }
  }
  const comparisons = comparisonsFor(rounds, { nsPerOp: f.budgetPct ?? 5 }, 11);
  return {
    name: `tight/${f.workload}/${f.backend}`, kind: 'tight', profile: 'smoke', verdict: scenarioVerdict(comparisons),
    variants: { baseline: { target: 'in-process', backend: 'none' }, instrumented: { target: 'in-process', backend: f.backend } },
    rounds, comparisons, exactness: null,
  };
}

const withOk = (e: { expected: number; recorded: number }) => ({ ...e, ok: e.expected === e.recorded });

export function resultOf(scenarios: ScenarioResult[], over: Partial<Result> = {}): Result {
  return Result.parse({
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'overbench', version: '0.1.0' },
    runId: '20261127-010000-abcd',
    startedAt: '2026-11-27T01:00:00.000Z',
    finishedAt: '2026-11-27T01:02:00.000Z',
    command: 'overbench realistic --scenario chat-realistic --profile smoke --seed 7',
    seed: 7,
    env: { node: 'v20.20.0', os: 'Linux 6.1 x64', cpuModel: 'Test CPU @ 2.0GHz', cpus: 2, gitSha: '0123456789abcdef0123456789abcdef01234567', world: { redis: 'real', supabase: 'fake', provider: 'fake' } },
    verdict: overallVerdict(scenarios.map((s) => s.verdict)),
    comparisonsMade: scenarios.reduce((n, s) => n + s.comparisons.length, 0),
    scenarios,
    ...over,
  });
}

/** A run with something of everything: a passing scenario, a failing one with an invalid round, tight rows. */
export function sampleResult(): Result {
  return resultOf([
    realisticScenario({ name: 'chat-realistic', slowdown: 1.0, noise: 0.005, rounds: 6 }),
    realisticScenario({ name: 'status <storm> & "quotes"', slowdown: 1.12, noise: 0.01, rounds: 6, invalidRounds: [2], exactness: { expected: 5000, recorded: 4990 }, seed: 9 }),
    tightScenario({ workload: 'hot-path', backend: 'fast', baselineNs: 590, instrumentedNs: 600, budgetPct: 5 }),
    tightScenario({ workload: 'hot-path', backend: 'legacy', baselineNs: 590, instrumentedNs: 2100, budgetPct: 5 }),
  ]);
}

/** NEW's copy of a scenario with the instrumented windows scaled by factor(k) (k-th instrumented window). */
function scaled(s: ScenarioResult, factor: (k: number) => number): ScenarioResult {
  let k = 0;
  const rounds = s.rounds.map((r): WindowResult => {
    if (r.variant !== 'instrumented') return r;
    const f = factor(k++);
    const lat = r.latencyUs && Object.fromEntries(Object.entries(r.latencyUs).map(([key, v]) => [key, v * f]));
    return { ...r, latencyUs: lat as WindowResult['latencyUs'], cpuPerRequestUs: r.cpuPerRequestUs && r.cpuPerRequestUs * f, throughput: r.throughput / f, nsPerOp: r.nsPerOp && r.nsPerOp * f };
  });
  return { ...s, rounds };
}

/**
 * Two runs with known answers for compare: `same` unchanged (pass), `slower` NEW 20% slower with
 * 2 fewer rounds (fail), `noisy` NEW alternately 10% faster / 12% slower (inconclusive), a tight
 * scenario 50% slower (fail), plus one scenario only in each file.
 */
export function comparePair(): { oldR: Result; newR: Result } {
  const same = realisticScenario({ name: 'same', rounds: 6, seed: 1 });
  const slower = realisticScenario({ name: 'slower', rounds: 8, seed: 2 });
  const noisy = realisticScenario({ name: 'noisy', rounds: 6, seed: 3 });
  const tight = tightScenario({ workload: 'hot-path', backend: 'fast', baselineNs: 500, instrumentedNs: 520 });
  const oldR = resultOf([same, slower, noisy, tight, realisticScenario({ name: 'retired', rounds: 5 })], { runId: 'old' });
  const newR = resultOf([
    same,
    { ...scaled(slower, () => 1.2), rounds: scaled(slower, () => 1.2).rounds.filter((r) => r.round < 6) },
    scaled(noisy, (k) => (k % 2 ? 1.12 : 0.9)),
    scaled(tight, () => 1.5),
    realisticScenario({ name: 'brand-new', rounds: 5 }),
  ], { runId: 'new' });
  return { oldR, newR };
}
