import type { ScenarioResult } from '../result/schema.ts';
import { nsInterval, type NsInterval } from '../stats/ns-per-op.ts';
import { METRIC_CALLS, type MetricCall } from './messages.ts';
import { CENSUS_KEY, PART_KEY } from './scenarios.ts';

/**
 * Account for every nanosecond a backend adds: per operation of the hot-path and record
 * workloads, each metrics call's own cost (the `call-*` workloads: backend minus none, paired in
 * the same process) times how often the operation makes that call (census.ts), their sum, the
 * workload's own paired cost (backend minus none), and what is left over. Per round (process)
 * first, then a bootstrap interval over rounds, as the ns/op figures. Reads only the result.
 */
export interface AccountPart {
  call: MetricCall;
  /** Calls per operation. */
  count: number;
  /** Cost of one call alone, ns. */
  perCall: NsInterval | null;
  /** count x per call, ns per operation. */
  perOp: NsInterval | null;
}

export interface Account {
  backend: string;
  workload: string;
  parts: AccountPart[];
  sum: NsInterval | null;
  measured: NsInterval | null;
  /** measured - sum, per round. */
  residual: NsInterval | null;
  /** The residual's interval contains 0: the parts explain the whole within noise. */
  reconciles: boolean | null;
  rounds: number;
}

function extraOf(s: ScenarioResult): Record<string, number>[] {
  return s.rounds.filter((r) => r.valid && r.variant === 'instrumented' && r.extra).map((r) => r.extra!);
}

export function accountOf(s: ScenarioResult, seed: number): Account | null {
  const rows = extraOf(s).filter((e) => e.deltaNs !== undefined && METRIC_CALLS.every((c) => e[`${PART_KEY}${c}`] !== undefined && e[`${CENSUS_KEY}${c}`] !== undefined));
  if (rows.length === 0) return null;
  const parts: AccountPart[] = METRIC_CALLS.map((call, k) => ({
    call,
    count: rows[0][`${CENSUS_KEY}${call}`],
    perCall: nsInterval(rows.map((e) => e[`${PART_KEY}${call}`]), seed + k),
    perOp: nsInterval(rows.map((e) => e[`${CENSUS_KEY}${call}`] * e[`${PART_KEY}${call}`]), seed + k),
  }));
  const sums = rows.map((e) => METRIC_CALLS.reduce((a, c) => a + e[`${CENSUS_KEY}${c}`] * e[`${PART_KEY}${c}`], 0));
  const residuals = rows.map((e, i) => e.deltaNs - sums[i]);
  const residual = nsInterval(residuals, seed + 11);
  const m = /^tight\/([^/]+)\/(.+)$/.exec(s.name);
  return {
    backend: s.variants.instrumented.backend ?? m?.[2] ?? s.name,
    workload: m?.[1] ?? s.name,
    parts,
    sum: nsInterval(sums, seed + 9),
    measured: nsInterval(rows.map((e) => e.deltaNs), seed + 10),
    residual,
    reconciles: residual && rows.length > 1 ? residual.low <= 0 && residual.high >= 0 : null,
    rounds: rows.length,
  };
}

/** The accounts of every hot-path and record scenario that carries its parts. */
export function accounts(scenarios: readonly ScenarioResult[], seed: number): Account[] {
  return scenarios.map((s) => accountOf(s, seed)).filter((a): a is Account => a !== null);
}
