import type { MessageCounters } from '../measure/message-counters.ts';

/** A target that is up and answered a handshake; the same shape whatever started it. */
export interface RunningTarget {
  /** What the user would type to get this target again: `spawn:...`, `url:...` or `reference`. */
  readonly target: string;
  /** ws://host:port the driver connects to. */
  readonly url: string;
  /** Root of the process tree whose CPU and RSS are measured; null = not measured. */
  readonly pid: number | null;
  /** http://127.0.0.1:P of the reference daemon's monitoring port (/stats, /metrics.json). */
  readonly monitoringUrl: string | null;
  /**
   * Every instance's monitoring URL, where the target runs several daemons (cluster): a window
   * reads /stats from each and sums them (targetStats). Absent: monitoringUrl alone.
   */
  readonly monitoringUrls?: readonly string[];
  /** http://127.0.0.1:P of the reference daemon's dashboard, when it runs one (EXAI_DASHBOARD_PORT not off). */
  readonly dashboardUrl?: string | null;
  /** Where the scenario said the target's own message counters live (exactness); absent = the reference daemon's /metrics.json, if any. */
  readonly counters?: MessageCounters;
  /** The reference daemon's METRICS_BACKEND. */
  readonly backend?: string;
  /** Env given to a spawned process beyond the inherited one (recorded in the result). */
  readonly env?: Record<string, string>;
  /** Resolves (never rejects) with a one-line reason when the target stops unexpectedly. */
  readonly died: Promise<string>;
  stop(): Promise<void>;
}
