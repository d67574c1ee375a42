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
  /** Live client ids with their slot index (not the no-client slot 0). */
  liveSlots(): ReadonlyMap<string, number>;
  /** Fold the counts the hot path keeps on client refs into `cells`: call it before reading them. */
  settle(): void;
  /** Every summed column over all slots, retired ones included (settles first). */
  counterTotals(): Float64Array;
  /** Each stage's latency summary (what the Supabase roll-up writes). */
  latencyUs(): MetricsSnapshot['latencyUs'];
  /** Reclaim idle client slots (after a flush). */
  sweepIdle(): number;
}
