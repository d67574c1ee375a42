import { fmtNumber } from '../../common/format.ts';
import type { BackendName } from '../../daemon/metrics/types.ts';
import type { Comparison, Exactness, WindowResult, ScenarioResult } from '../result/schema.ts';
import { compareMetric, median, scenarioVerdict } from '../stats/compare.ts';
import { budgetFor } from './budgets.ts';
import type { TaskOutcome } from './messages.ts';
import type { WorkloadPlan } from './profiles.ts';

/** What one task left: its outcome, or why it has none; `position` = its place in the round's order. */
export interface TaskRecord {
  outcome: TaskOutcome | null;
  error?: string;
  position: number;
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
}

const TARGET = 'in-process (bench:tight worker, one process per backend)';

export function buildScenarios(input: BuildInput): ScenarioResult[] {
  const out: ScenarioResult[] = [];
  for (const w of input.workloads) {
    for (const b of input.backends) {
      if (b === 'none') continue;
      out.push(buildScenario(input, w, b));
    }
  }
  return out;
}

function windowResult(round: number, variant: 'baseline' | 'instrumented', rec: TaskRecord | undefined, other: TaskRecord | undefined, w: WorkloadPlan): WindowResult {
  const o = rec?.outcome ?? null;
  const ns = o?.nsPerOp;
  return {
    round, variant,
    order: rec && other && rec.position > other.position ? 1 : 0,
    requests: o?.operations ?? 0, errors: 0,
    throughput: ns !== undefined && ns > 0 ? 1e9 / ns : 0,
    latencyUs: null, histogram: null, cpuUs: null, cpuPerRequestUs: null, rssBytes: null, driverCpuPct: null,
    valid: o !== null,
    ...(o === null && { invalidReason: rec?.error ?? 'task did not run' }),
    ...(o !== null && {
      nsPerOp: o.nsPerOp,
      extra: {
        callNs: o.callNs, emptyNs: o.emptyNs, samples: o.samples, slices: o.slices, batch: o.batch, clients: w.clients,
        ...(o.bytesPerOp !== undefined && Number.isFinite(o.bytesPerOp) && { bytesPerOp: o.bytesPerOp }),
        ...(o.bytesPerClient !== undefined && { bytesPerClient: o.bytesPerClient }),
      },
    }),
  };
}

function buildScenario(input: BuildInput, w: WorkloadPlan, b: BackendName): ScenarioResult {
  const base = input.records[w.name]?.none ?? [];
  const inst = input.records[w.name]?.[b] ?? [];
  const hotNone = input.records['hot-path']?.none ?? [];
  const rounds: WindowResult[] = [];
  for (let r = 0; r < input.rounds; r++) {
    rounds.push(windowResult(r, 'baseline', base[r], inst[r], w), windowResult(r, 'instrumented', inst[r], base[r], w));
  }
  const comparison = w.kind === 'hot-path' ? compareHotPath(input, base, inst) : compareRecord(input, w, base, inst, hotNone);
  const exactness = sumExactness(inst);
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
  if (w.kind === 'hot-path') return `the daemon's in-process handling of a call_tool status frame, ${w.clients} connections; ns per frame`;
  return `the metrics calls the daemon makes per frame (received, sent, stage latency), rotating over ${w.clients} clients; ns per frame's worth of calls`;
}

function ns(rec: TaskRecord | undefined): number | null {
  return rec?.outcome?.nsPerOp ?? null;
}

function compareHotPath(input: BuildInput, base: (TaskRecord | undefined)[], inst: (TaskRecord | undefined)[]): Comparison {
  const pairs = paired(input.rounds, (r) => [ns(base[r]), ns(inst[r])]);
  return compareMetric({
    metric: 'nsPerOp', baseline: pairs.map((p) => p[0]), instrumented: pairs.map((p) => p[1]),
    budgetPct: budgetFor('hot-path'), higherIsWorse: true, seed: input.seed,
  });
}

/**
 * Record workloads: per round, the backend's net recording cost (backend minus none) is added to
 * that round's `none` hot-path ns per frame, so the comparison's percent is "share of a frame's
 * handling" (budgets.ts). The medians shown are the raw record ns/op.
 */
function compareRecord(
  input: BuildInput, w: WorkloadPlan,
  base: (TaskRecord | undefined)[], inst: (TaskRecord | undefined)[], hotNone: (TaskRecord | undefined)[],
): Comparison {
  const triples = paired(input.rounds, (r) => [ns(base[r]), ns(inst[r]), ns(hotNone[r])]);
  const c = compareMetric({
    metric: 'nsPerOp',
    baseline: triples.map(([, , h]) => h),
    instrumented: triples.map(([n, x, h]) => h + (x - n)),
    budgetPct: budgetFor(w.name), higherIsWorse: true, seed: input.seed,
  });
  const hot = median(triples.map(([, , h]) => h));
  return {
    ...c,
    baselineMedian: median(triples.map(([n]) => n)),
    instrumentedMedian: median(triples.map(([, x]) => x)),
    note: `recording cost as a share of one hot-path frame (${fmtNumber(hot, 0)} ns without metrics). ${c.note ?? ''}`.trim(),
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
