import type { BackendName } from '../../daemon/metrics/types.ts';

/**
 * Parent <-> worker messages of bench:tight. One worker process per round hosts every backend,
 * each through its own copy of the daemon's modules (module-copies.mjs), so a task times `none`
 * and one backend alternately in the same process and heap while each copy's call sites stay
 * monomorphic. A fresh process per round is the unit of replication: JIT luck is counted.
 */

/** The metrics calls the account splits a frame into, each timed alone as a `call-*` workload. */
export const METRIC_CALLS = ['frameReceived', 'frameSent', 'stageLatency', 'requestDone'] as const;
export type MetricCall = (typeof METRIC_CALLS)[number];

export type WorkloadKind = 'record' | 'hot-path' | `call-${MetricCall}`;

export interface TaskSpec {
  /** The workload's name (profiles.ts), for file names. */
  name: string;
  workload: WorkloadKind;
  /** Distinct clients the operations rotate over. */
  clients: number;
  /** Operations of the probe batch; the timed batch is calibrated to about `targetCallUs` per call. */
  batch: number;
  targetCallUs: number;
  /** Upper bound on operations per timed call. */
  maxBatch: number;
  clock: 'cpu' | 'wall';
  /** Timed pairs (none, backend) per copy, after `warmupMs` of both alternating. */
  pairs: number;
  /**
   * (none, backend) pairs of module copies timed side by side in the process, the pairs
   * interleaved: each copy's JIT and layout luck then weighs 1/copies (paired.ts combineCopies).
   */
  copies: number;
  warmupMs: number;
  /** Also measure heap: bytes per operation and bytes per client (needs --expose-gc). */
  heap?: { ops: number; clients: number };
}

export interface TaskExactness {
  expected: number;
  recorded: number;
  ok: boolean;
  detail?: string;
}

/** One side of a task (none, or the backend), summarised over its batches. */
export interface SideOutcome {
  /** Net nanoseconds per operation: median over pairs of (batch - median empty batch) / batch size. */
  nsPerOp: number;
  emptyNs: number;
  /** Operations performed in all (warm-up included). */
  operations: number;
  bytesPerOp?: number;
  bytesPerClient?: number;
}

/** What one paired task measured (paired.ts summarizePairs), and the backend's exactness. */
export interface TaskOutcome {
  none: SideOutcome;
  backend: SideOutcome;
  /**
   * The within-process estimate: exp of the Hodges-Lehmann centre over copies of each copy's
   * median over pairs of ln(backend / none) (paired.ts combineCopies); one copy: that median.
   */
  ratio: number;
  /** Likewise for (backend - none) ns per operation. */
  deltaNs: number;
  /** Spread of the pairs' changes within this process: sd of 100 ln(ratio), in percent. */
  withinSdPct: number;
  /** Distribution-free 95% interval of the median change, percent (order statistics). */
  withinLowPct: number;
  withinHighPct: number;
  /** sd over the copies of 100 ln(ratio), when there were several. */
  copySdPct?: number;
  copies: number;
  /** Timed pairs, all copies together. */
  pairs: number;
  /** Operations per timed batch, as calibrated (the same for both sides). */
  batch: number;
  exactness: TaskExactness | null;
  /** Written when the run asked for CPU profiles: one file per side. */
  profiles?: string[];
}

export type ToWorker =
  | { type: 'task'; id: number; backend: BackendName; spec: TaskSpec; cpuProfileDir?: string }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'reply'; id: number; data: TaskOutcome }
  | { type: 'failed'; id: number; message: string };
