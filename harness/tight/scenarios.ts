import { fmtNumber } from '../../common/format.ts';
import type { BackendName } from '../../daemon/metrics/types.ts';
import type { Comparison, Exactness, WindowResult, ScenarioResult } from '../result/schema.ts';
import { compareMetric, median, scenarioVerdict } from '../stats/compare.ts';
import { budgetFor } from './budgets.ts';
import type { TaskOutcome } from './messages.ts';
import type { WorkloadPlan } from './profiles.ts';
import { RECORD_CENSUS, type StatusCensus } from './census.ts';
import { METRIC_CALLS } from './messages.ts';

/** Keys of a window's `extra` that carry the account (account.ts reads them). */
export const PART_KEY = 'part.';
export const CENSUS_KEY = 'perOp.';

/** What one task left: its outcome, or why it has none; `position` = its place in the round's order. */
export interface TaskRecord {
  outcome: TaskOutcome | null;
  error?: string;
  position: number;
  /** The core the round's worker was pinned to (absent: not pinned). */
  cpu?: number;
}

/** records[workload][backend][round] */
export type Records = Record<string, Partial<Record<BackendName, (TaskRecord | undefined)[]>>>;

export interface BuildInput {
  records: Records;
  workloads: readonly WorkloadPlan[];
  backends: readonly BackendName[];
  rounds: number;
  profile: string;
  seed: number;
  /** Metrics calls and clock reads per status frame (census.ts), for the hot-path account. */
  census: StatusCensus;
}

const TARGET = 'in-process (bench:tight worker: one process per round, pinned to one core, none and the backend paired in it, each through its own copy of the daemon modules)';

export function buildScenarios(input: BuildInput): ScenarioResult[] {
  const out: ScenarioResult[] = [];
  for (const w of input.workloads) {
    if (w.part) continue;
    for (const b of input.backends) {
      if (b === 'none') continue;
      out.push(buildScenario(input, w, b));
    }
  }
  return out;
}

/** The account's numbers a window carries: each part's paired cost per call and its count per operation. */
function accountExtra(input: BuildInput, w: WorkloadPlan, b: BackendName, round: number): Record<string, number> {
  const census = w.kind === 'hot-path' ? input.census.calls : w.name === 'record' ? RECORD_CENSUS : null;
  if (!census) return {};
  const extra: Record<string, number> = w.kind === 'hot-path' ? { clockReadsPerOp: input.census.clockReads } : {};
  for (const call of METRIC_CALLS) {
    const o = input.records[`call-${call}`]?.[b]?.[round]?.outcome;
    extra[`${CENSUS_KEY}${call}`] = census[call];
    if (o && Number.isFinite(o.deltaNs)) extra[`${PART_KEY}${call}`] = o.deltaNs;
  }
  return extra;
}

function finite(x: number | undefined): x is number {
  return x !== undefined && Number.isFinite(x);
}

function windowResult(
  input: BuildInput, w: WorkloadPlan, b: BackendName, round: number, variant: 'baseline' | 'instrumented', rec: TaskRecord | undefined,
): WindowResult {
  const o = rec?.outcome ?? null;
  const side = o ? (variant === 'baseline' ? o.none : o.backend) : null;
  const ns = side?.nsPerOp;
  const ok = o !== null && finite(ns);
  return {
    round, variant,
    // both sides of a pair run in the same process, alternately (ABBA): neither goes first
    order: variant === 'baseline' ? 0 : 1,
    requests: side?.operations ?? 0, errors: 0,
    throughput: ok && ns! > 0 ? 1e9 / ns! : 0,
    latencyUs: null, histogram: null, cpuUs: null, cpuPerRequestUs: null, rssBytes: null, driverCpuPct: null,
    valid: ok,
    ...(!ok && { invalidReason: rec?.error ?? (o ? 'no finite ns/op' : 'task did not run') }),
    ...(ok && {
      nsPerOp: ns,
      extra: {
        emptyNs: side!.emptyNs, batch: o.batch, pairs: o.pairs, clients: w.clients,
        ...(rec?.cpu !== undefined && { cpu: rec.cpu }),
        ...(finite(side!.bytesPerOp) && { bytesPerOp: side!.bytesPerOp }),
        ...(finite(side!.bytesPerClient) && { bytesPerClient: side!.bytesPerClient }),
        ...(variant === 'instrumented' && {
          deltaNs: o.deltaNs,
          ...(finite(o.ratio) && { ratio: o.ratio }),
          ...(finite(o.withinSdPct) && { withinSdPct: o.withinSdPct }),
          ...(finite(o.withinLowPct) && finite(o.withinHighPct) && { withinLowPct: o.withinLowPct, withinHighPct: o.withinHighPct }),
          ...(finite(o.copySdPct) && { copySdPct: o.copySdPct }),
          copies: o.copies,
          ...accountExtra(input, w, b, round),
        }),
      },
    }),
  };
}

function buildScenario(input: BuildInput, w: WorkloadPlan, b: BackendName): ScenarioResult {
  const recs = input.records[w.name]?.[b] ?? [];
  const hot = input.records['hot-path']?.[b] ?? [];
  const rounds: WindowResult[] = [];
  for (let r = 0; r < input.rounds; r++) {
    rounds.push(windowResult(input, w, b, r, 'baseline', recs[r]), windowResult(input, w, b, r, 'instrumented', recs[r]));
  }
  const comparison = w.kind === 'hot-path' ? compareHotPath(input, recs) : compareRecord(input, w, recs, hot);
  const parts = w.name === 'record' ? METRIC_CALLS.flatMap((c) => input.records[`call-${c}`]?.[b] ?? []) : [];
  const exactness = sumExactness([...recs, ...parts]);
  return {
    name: `tight/${w.name}/${b}`,
    kind: 'tight',
    description: describe(w),
    profile: input.profile,
    verdict: scenarioVerdict([comparison], exactness?.ok ?? null),
    variants: {
      baseline: { target: TARGET, backend: 'none', env: { METRICS_BACKEND: 'none' } },
      instrumented: { target: TARGET, backend: b, env: { METRICS_BACKEND: b } },
    },
    rounds,
    comparisons: [comparison],
    exactness,
  };
}

function describe(w: WorkloadPlan): string {
  if (w.kind === 'hot-path') return `the daemon's in-process handling of a call_tool status frame, ${w.clients} connections; ns per frame; overhead = the backend/none ratio of batches alternating in each worker process`;
  return `the metrics calls the daemon makes per frame (received, sent, stage latency), rotating over ${w.clients} clients; ns per frame's worth of calls`;
}

/**
 * Hot path: per round (one process), the paired ratio backend/none from that process's copies
 * and pairs; across rounds, the Hodges-Lehmann shift with its signed-rank interval (as the
 * realistic gate: a process whose copies all drew bad luck moves it little). Fed to
 * compareMetric as none's ns/op and none's ns/op x ratio, so its per-round log-ratio is exactly
 * ln(ratio).
 */
function compareHotPath(input: BuildInput, recs: (TaskRecord | undefined)[]): Comparison {
  const pairs = paired(input.rounds, (r) => [recs[r]?.outcome?.none.nsPerOp ?? null, recs[r]?.outcome?.ratio ?? null]);
  const c = compareMetric({
    metric: 'nsPerOp', baseline: pairs.map(([n]) => n), instrumented: pairs.map(([n, ratio]) => n * ratio),
    budgetPct: budgetFor('hot-path'), higherIsWorse: true, seed: input.seed, estimator: 'hodges-lehmann',
  });
  return { ...c, instrumentedMedian: median(paired(input.rounds, (r) => [recs[r]?.outcome?.backend.nsPerOp ?? null]).map(([x]) => x)) };
}

/**
 * Record workloads: per round, the backend's paired net recording cost (backend minus none, the
 * median over that process's pairs) is added to the same process's `none` hot-path ns per frame,
 * so the comparison's percent is "share of a frame's handling" (budgets.ts). The medians shown
 * are the raw record ns/op.
 */
function compareRecord(input: BuildInput, w: WorkloadPlan, recs: (TaskRecord | undefined)[], hot: (TaskRecord | undefined)[]): Comparison {
  const triples = paired(input.rounds, (r) => [
    recs[r]?.outcome?.none.nsPerOp ?? null, recs[r]?.outcome?.backend.nsPerOp ?? null,
    recs[r]?.outcome?.deltaNs ?? null, hot[r]?.outcome?.none.nsPerOp ?? null,
  ]);
  const c = compareMetric({
    metric: 'nsPerOp',
    baseline: triples.map(([, , , h]) => h),
    instrumented: triples.map(([, , d, h]) => h + d),
    budgetPct: budgetFor(w.name), higherIsWorse: true, seed: input.seed,
  });
  const hotNs = median(triples.map(([, , , h]) => h));
  return {
    ...c,
    baselineMedian: median(triples.map(([n]) => n)),
    instrumentedMedian: median(triples.map(([, x]) => x)),
    note: `recording cost as a share of one hot-path frame (${fmtNumber(hotNs, 0)} ns without metrics). ${c.note ?? ''}`.trim(),
  };
}

/** Rounds where every value is present, as tuples. */
function paired<T extends (number | null)[]>(rounds: number, pick: (r: number) => T): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < rounds; r++) {
    const v = pick(r);
    if (v.every((x) => x !== null && Number.isFinite(x))) out.push(v as number[]);
  }
  return out;
}

function sumExactness(inst: (TaskRecord | undefined)[]): Exactness | null {
  const xs = inst.map((r) => r?.outcome?.exactness).filter((e): e is NonNullable<typeof e> => !!e);
  if (xs.length === 0) return null;
  const bad = xs.find((e) => !e.ok);
  const detail = bad?.detail ?? xs.find((e) => e.detail)?.detail;
  return {
    expected: xs.reduce((a, e) => a + e.expected, 0),
    recorded: xs.reduce((a, e) => a + e.recorded, 0),
    ok: !bad,
    ...(detail && { detail }),
  };
}
