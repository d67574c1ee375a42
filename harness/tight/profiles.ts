import type { BackendName } from '../../daemon/metrics/types.ts';
import type { TaskSpec, WorkloadKind } from './messages.ts';

export const TIGHT_PROFILES = ['smoke', 'default', 'ci', 'full'] as const;
export type TightProfile = (typeof TIGHT_PROFILES)[number];

/** One workload of the run: a scenario per backend is named `tight/<name>/<backend>`. */
export interface WorkloadPlan {
  name: string;
  kind: WorkloadKind;
  clients: number;
  batch: number;
  /** Heap measurement on this workload: bytes/op, and bytes/client when `clients` is set. */
  heap?: { ops: number; clients?: number };
}

export interface ProfileSettings {
  rounds: number;
  /**
   * Timed slices per task: within a round the backends' slices alternate (ABBA order), so a
   * drift of the machine's load hits every backend alike instead of whichever ran last.
   */
  slices: number;
  /** Each timed call is sized to about this much CPU (timing.ts calibrateBatch). */
  targetCallUs: number;
  timeMs: number;
  warmupMs: number;
  /** Heap is measured in the first `heapRounds` rounds only: it is stable and costs time. */
  heapRounds: number;
  heapClients: number;
}

/**
 * Sizes chosen so the default run stays under 60 s on the 2-core machine (measured: see the
 * README) while every round still times thousands of operations per backend and workload.
 */
export const PROFILE_SETTINGS: Record<TightProfile, ProfileSettings> = {
  smoke: { rounds: 5, slices: 2, targetCallUs: 200, timeMs: 4, warmupMs: 2, heapRounds: 1, heapClients: 2_000 },
  default: { rounds: 10, slices: 3, targetCallUs: 300, timeMs: 5, warmupMs: 5, heapRounds: 2, heapClients: 10_000 },
  ci: { rounds: 8, slices: 3, targetCallUs: 300, timeMs: 5, warmupMs: 5, heapRounds: 2, heapClients: 10_000 },
  full: { rounds: 20, slices: 5, targetCallUs: 500, timeMs: 30, warmupMs: 40, heapRounds: 5, heapClients: 10_000 },
};

export const DEFAULT_BACKENDS: readonly BackendName[] = ['none', 'legacy', 'sampled', 'prom', 'otel', 'fast'];

/**
 * The ci profile (the gate) measures our design only: the ported seed designs fail their
 * budgets by construction (that is the finding of the full table), which would make every gate
 * red. `--backends` overrides this.
 */
export function defaultBackends(profile: TightProfile): readonly BackendName[] {
  return profile === 'ci' ? ['none', 'fast'] : DEFAULT_BACKENDS;
}

/**
 * record: the per-frame metrics calls over a rotating set of 16 clients;
 * hot-path: the daemon's own handling of a `call_tool status` frame, 4 connections;
 * clients-N: record at 4, 100 and 10,000 distinct clients (per-client state grows).
 */
export function workloads(settings: ProfileSettings): WorkloadPlan[] {
  return [
    { name: 'record', kind: 'record', clients: 16, batch: 200, heap: { ops: 4000 } },
    { name: 'hot-path', kind: 'hot-path', clients: 4, batch: 10, heap: { ops: 200 } },
    { name: 'clients-4', kind: 'record', clients: 4, batch: 200 },
    { name: 'clients-100', kind: 'record', clients: 100, batch: 200 },
    { name: 'clients-10000', kind: 'record', clients: 10_000, batch: 200, heap: { ops: 4000, clients: settings.heapClients } },
  ];
}

/** A timed call never runs more operations than this (the none backend costs ~1 ns per op). */
export const MAX_BATCH = 100_000;

export function taskSpec(w: WorkloadPlan, s: ProfileSettings, withHeap: boolean, clock: 'cpu' | 'wall'): TaskSpec {
  return {
    workload: w.kind, clients: w.clients, batch: w.batch, targetCallUs: s.targetCallUs, maxBatch: MAX_BATCH, clock,
    timeMs: s.timeMs, warmupMs: s.warmupMs,
    ...(withHeap && w.heap && { heap: { ops: w.heap.ops, clients: w.heap.clients ?? 0 } }),
  };
}
