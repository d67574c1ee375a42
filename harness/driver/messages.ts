/**
 * The IPC contract between the harness (parent) and the driver process (harness/driver/main.ts).
 * The parent forks the driver, sends `start`, then one `window` at a time, then `stop`.
 * Between windows the driver sends nothing on the wire, so the other variant is measured in quiet;
 * except after a window with `keepIssuing`, whose load runs on into the next window.
 */
import type { ErrorRule } from '../protocol/error-rules.ts';
import type { Scenario } from '../scenario/schema.ts';

/** Closed model (k6: constant-vus): every client sends, awaits the terminal frame, thinks, repeats. */
export interface ClosedLoad {
  model: 'closed';
  /** Latency spec (common/latency.ts), e.g. 'exponential:mean=50ms'; absent = no think time. */
  thinkTime?: string;
}

/** Open model (k6: constant-arrival-rate): arrivals on a schedule, independent of replies. */
export interface OpenLoad {
  model: 'open';
  ratePerSec: number;
  /** Inter-arrival distribution; default poisson. */
  arrival?: 'poisson' | 'uniform';
  /** Arrivals beyond this many requests in flight are counted as dropped, never sent late. */
  maxInFlight?: number;
}

export type DriverLoad = ClosedLoad | OpenLoad;

/** One entry of the scenario's request mix (`mix`, harness/scenario/schema.ts). */
export interface MixEntry {
  weight: number;
  tool: string;
  args?: Record<string, unknown>;
  /** true: identical args every time (result-cache hits); otherwise args are made unique per request. */
  repeat?: boolean;
}

export interface DriverConfig {
  /** ws://host:port of the target. */
  url: string;
  protocol: 'exai' | 'mcp';
  token?: string;
  /** Busy WebSocket connections. */
  clients: number;
  load: DriverLoad;
  mix: MixEntry[];
  seed: number;
  /** Each client closes and reconnects (same session id) after this many requests. */
  churn?: { everyRequests: number };
  /** Session ids are `<prefix>-<client index>`, idle ones `<prefix>-idle-<i>` (harness/driver/session-ids.ts). */
  sessionPrefix: string;
  /**
   * What varied arguments carry so that they differ from other drivers' (driver/mix.ts). Absent: the
   * session prefix and random bytes, unique to this driver. The harness gives both variants one
   * salt when each has a world of its own, so that their requests are alike (common random numbers).
   */
  salt?: string;
  /** A request without its terminal frame after this long counts as a `timeout` error. */
  requestTimeoutMs: number;
  /** Extra connections that only say hello and then stay open, silent. */
  idleClients?: number;
  /** In-band errors: terminal frames the protocol calls a success but these rules call an error. */
  errorRules?: ErrorRule[];
}

export interface ToolWindowStats {
  requests: number;
  /** Base64 compressed HdrHistogram of latency in microseconds. */
  histogram: string;
}

export interface WindowStats {
  /** Requests completed with a terminal frame (successful or not) or failed, i.e. all that finished. */
  requests: number;
  errors: number;
  /**
   * Successful requests, for throughput: in the closed model each counted by the share of its time
   * (send to terminal frame) within the issuing span (recorder.ts, spanShare); in the open model,
   * whose arrivals are fixed, each counted once.
   */
  okInSpan: number;
  /** Keys: 'timeout', 'closed', 'protocol', or the error code the target sent (e.g. 'OVER_CAPACITY'). */
  errorsByKind: Record<string, number>;
  /** Open model: arrivals not sent because maxInFlight requests were already in flight. */
  dropped: number;
  /** Every WebSocket message sent/received in the window, handshake and progress frames included. */
  framesSent: number;
  framesReceived: number;
  /**
   * Every message since the driver started, up to this window's end: between windows whose load
   * runs on (keepIssuing) frames also go out, so a span of such windows is held to the target's
   * counters by these, from one quiet edge to the next (harness/run/exactness.ts, exactnessSpan).
   */
  framesSentTotal: number;
  framesReceivedTotal: number;
  durationMs: number;
  /** Base64 compressed HdrHistogram (microseconds) of all requests recorded in the window. */
  histogram: string;
  perTool: Record<string, ToolWindowStats>;
  /** The driver process's own CPU over the window (process.cpuUsage delta). */
  driverCpuUs: { user: number; system: number };
  /**
   * Closed model, measured windows: by busy client, when each of its requests finished (ms after
   * the window began), in order, up to its first failure. Two variants that send the same requests
   * (common random numbers) are compared on the time each took for the same ones
   * (harness/stats/matched-work.ts).
   */
  finishesMs?: number[][];
  /**
   * With `finishesMs`, by client: the turn (its place in the client's sequence of calls since the
   * load began) of its first finish listed, and when the call before it ended (ms after the window
   * began; for turn 0, its own send; null when unknown, after a failure). A load that runs on
   * between windows starts each window mid-sequence, at a different call in each variant.
   */
  finishFirstTurn?: number[];
  finishPriorMs?: (number | null)[];
}

/**
 * A window in progress, for the live view (harness/live/): a few numbers, sent only when the
 * parent asks for them (`progressMs`).
 */
export interface WindowProgress {
  /** Since the window started issuing. */
  elapsedMs: number;
  /** Requests finished so far in the window, and how many of them failed. */
  requests: number;
  errors: number;
  /** Percentiles (microseconds) of the successful requests so far; null in a warm-up window, which records none. */
  latencyUs: { p50: number; p95: number; p99: number } | null;
}

/** parent -> driver */
export type ParentMessage =
  | { type: 'start'; config: DriverConfig }
  /**
   * `progressMs`: send `window-progress` this often while issuing; absent (the default) = never, and no timer runs.
   * `keepIssuing`: end the window without stopping the load or draining (see Driver.window).
   */
  | { type: 'window'; id: number; durationMs: number; record: boolean; progressMs?: number; keepIssuing?: boolean }
  | { type: 'stop' };

/** driver -> parent */
export type DriverMessage =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | { type: 'window-progress'; id: number; progress: WindowProgress }
  | { type: 'window-done'; id: number; stats: WindowStats }
  | { type: 'stopped' };

// Compile-time reconciliation with the scenario schema: a validated scenario's load and mix
// must be passable to the driver as they are (tsc fails here if the two drift apart).
type Assignable<T, U extends T> = U;
export type _LoadFromScenario = Assignable<DriverLoad, Scenario['load']>;
export type _MixFromScenario = Assignable<MixEntry[], Scenario['mix']>;
