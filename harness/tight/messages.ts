import type { BackendName } from '../../daemon/metrics/types.ts';

/**
 * Parent <-> worker messages of bench:tight. One worker process per backend, so the daemon's
 * call sites only ever see that backend's class (as in a real daemon, which runs one backend):
 * no JIT feedback or heap state is shared between backends.
 */
export type WorkloadKind = 'record' | 'hot-path';

export interface TaskSpec {
  workload: WorkloadKind;
  /** Distinct clients the operations rotate over. */
  clients: number;
  /** Operations of the probe batch; the timed batch is calibrated to about `targetCallUs` per call. */
  batch: number;
  targetCallUs: number;
  /** Upper bound on operations per timed call. */
  maxBatch: number;
  clock: 'cpu' | 'wall';
  /** tinybench time and warm-up per task, for the batch and for the empty batch each. */
  timeMs: number;
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

export interface TaskOutcome {
  /** Net nanoseconds per operation: the median over slices of (call - empty call) / batch. */
  nsPerOp: number;
  slices: number;
  callNs: number;
  emptyNs: number;
  /** Timed calls of the batch (samples), and operations performed in all (warm-up included). */
  samples: number;
  /** Operations per timed call, as calibrated. */
  batch: number;
  operations: number;
  exactness: TaskExactness | null;
  bytesPerOp?: number;
  bytesPerClient?: number;
}

/**
 * A task is opened (fresh subject, batch calibrated), timed in slices that the parent
 * interleaves with the other backends' slices of the same round, then closed (exactness, heap).
 */
export type ToWorker =
  | { type: 'init'; backend: BackendName }
  | { type: 'open'; id: number; spec: TaskSpec }
  | { type: 'slice'; id: number; first: boolean }
  | { type: 'close'; id: number }
  | { type: 'stop' };

export interface SliceTiming {
  netNsPerOp: number;
  callNs: number;
  emptyNs: number;
  samples: number;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'reply'; id: number; data: { batch: number } | SliceTiming | TaskOutcome }
  | { type: 'failed'; id: number; message: string };
