import type { BackendName } from '../../daemon/metrics/types.ts';
import { METRIC_CALLS, type TaskSpec, type WorkloadKind } from './messages.ts';

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
  /** Module-copy pairs per process (default 1) and timed pairs per copy (default: the profile's). */
  copies?: number;
  pairs?: number;
  /**
   * A part of the account (one metrics call alone): no scenario of its own; its cost per call
   * goes into the hot-path and record scenarios' windows (`extra`), where account.ts reads it.
   */
  part?: boolean;
}

export interface ProfileSettings {
  /** Rounds = worker processes (`workers` at a time): the unit of replication. */
  rounds: number;
  /** Timed (none, backend) pairs per task, in ABBA order (paired.ts). */
  pairs: number;
  /**
   * Each timed batch is sized to about this much CPU (timing.ts calibrateBatch). Short: a vCPU's
   * speed drifts, and another process can take the core mid-batch; measured on the loaded 2-core
   * machine, 250 us batches had ~20% of them preempted (the hot path's pairs IQR 24% wide), 25 us
   * batches ~3% (IQR 5%), and the median of 25 us pairs was ~3x as precise per second of timing.
   */
  targetCallUs: number;
  /** Both sides alternate this long (CPU ms) before the first timed pair. */
  warmupMs: number;
  /** Heap is measured in the first `heapRounds` rounds only: it is stable and costs time. */
  heapRounds: number;
  heapClients: number;
  /**
   * Module-copy pairs of the hot-path workload per process (task.ts), and its timed pairs per
   * copy. A copy's own JIT and layout luck (its ratio is 1-2% off, sd) is most of the error, its
   * pairs' noise ~0.1%: so precision is bought with copies (~0.3 s each to import and warm), not
   * pairs (~70 us each).
   */
  hotPathCopies: number;
  hotPathPairs: number;
  /** clients-N workloads: record at N distinct clients (ci keeps the widest only, for time). */
  clientCounts: readonly number[];
  /** Rounds run side by side, each worker pinned to a core of its own (capped at the cores we may use). */
  workers: number;
}

/**
 * Sized on the 2-core machine (README, "bench:tight"): a round is a fresh process, ~1 s of CPU to
 * import the daemon's modules before anything is timed; `ci` (none and fast) uses ~32 s of CPU,
 * two rounds at a time. `ci` runs 8 rounds (it ran 10) so that the gate holds its 6 minutes in a
 * slow hour: 25 s and the hot path +-0.39 points (`tight --profile ci --seed 2341`, 2026-12-03),
 * where 10 took 31-32 s for +-0.4 to +-0.56 in the gates of that hour.
 */
export const PROFILE_SETTINGS: Record<TightProfile, ProfileSettings> = {
  smoke: { rounds: 5, pairs: 60, targetCallUs: 30, warmupMs: 20, heapRounds: 1, heapClients: 2_000, hotPathCopies: 2, hotPathPairs: 100, clientCounts: [4, 100, 10_000], workers: 2 },
  default: { rounds: 6, pairs: 150, targetCallUs: 30, warmupMs: 50, heapRounds: 1, heapClients: 10_000, hotPathCopies: 4, hotPathPairs: 400, clientCounts: [4, 100, 10_000], workers: 2 },
  ci: { rounds: 8, pairs: 200, targetCallUs: 30, warmupMs: 50, heapRounds: 1, heapClients: 10_000, hotPathCopies: 6, hotPathPairs: 400, clientCounts: [10_000], workers: 2 },
  full: { rounds: 20, pairs: 600, targetCallUs: 30, warmupMs: 150, heapRounds: 5, heapClients: 10_000, hotPathCopies: 8, hotPathPairs: 800, clientCounts: [4, 100, 10_000], workers: 2 },
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
 * clients-N: record at 4, 100 and 10,000 distinct clients (per-client state grows; ci: 10,000 only);
 * call-*: each metrics call alone, 16 clients: the parts of the account.
 */
export function workloads(settings: ProfileSettings): WorkloadPlan[] {
  return [
    { name: 'record', kind: 'record', clients: 16, batch: 200, heap: { ops: 4000 } },
    { name: 'hot-path', kind: 'hot-path', clients: 4, batch: 10, heap: { ops: 200 }, copies: settings.hotPathCopies, pairs: settings.hotPathPairs },
    ...settings.clientCounts.map((n): WorkloadPlan => ({
      name: `clients-${n}`, kind: 'record', clients: n, batch: 200,
      // bytes per client where clients are many
      ...(n === Math.max(...settings.clientCounts) && { heap: { ops: 4000, clients: settings.heapClients } }),
    })),
    ...METRIC_CALLS.map((call) => ({ name: `call-${call}`, kind: `call-${call}` as const, clients: 16, batch: 200, part: true })),
  ];
}

/** A timed batch never runs more operations than this (the none backend costs ~1 ns per op). */
export const MAX_BATCH = 100_000;

export function taskSpec(w: WorkloadPlan, s: ProfileSettings, withHeap: boolean, clock: 'cpu' | 'wall'): TaskSpec {
  return {
    name: w.name, workload: w.kind, clients: w.clients, batch: w.batch, targetCallUs: s.targetCallUs, maxBatch: MAX_BATCH, clock,
    pairs: w.pairs ?? s.pairs, warmupMs: s.warmupMs, copies: w.copies ?? 1,
    ...(withHeap && w.heap && { heap: { ops: w.heap.ops, clients: w.heap.clients ?? 0 } }),
  };
}
