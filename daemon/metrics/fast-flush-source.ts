import type { LogHistogram } from './log-histogram.ts';
import type { BackendName, MetricsSnapshot } from './types.ts';

/**
 * What the fast backend's sinks (fast-sinks.ts) read of it, and the one thing they write: the
 * flushed copy, advanced by what Redis acknowledged. FastMetrics implements it; the sinks see
 * only this, so the backend and its timers do not import each other.
 */
export interface FlushSource {
  readonly name: BackendName;
  /** Per-slot counters, STRIDE columns each (fast-layout.ts); replaced when it grows, so read it afresh. */
  readonly cells: Float64Array;
  /** What the Redis flush has already sent, same layout (replaced with cells). */
  readonly flushed: Float64Array;
  /** Stage latency histograms, in STAGES order. */
  readonly stages: readonly LogHistogram[];
  /** The client slots (not the no-client slot 0) changed since the last take, as settle() found them; forgotten once taken. */
  takeChangedSlots(): number[];
  /** Slots a failed flush took: the next take returns them again. */
  restoreChangedSlots(slots: readonly number[]): void;
  /** The id of the client a slot serves. */
  clientId(slot: number): string;
  /** Fold the counts the hot path keeps on client refs into `cells`, noting the slots that changed: call it before reading them. */
  settle(): void;
  /** Every summed column over all slots, retired ones included (settles first). */
  counterTotals(): Float64Array;
  /** Each stage's latency summary (what the Supabase roll-up writes). */
  latencyUs(): MetricsSnapshot['latencyUs'];
  /** Reclaim idle client slots (after a flush). */
  sweepIdle(): number;
}
