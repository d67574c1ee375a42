/**
 * The one small interface every metrics backend implements (daemon/README.md).
 * The daemon calls these on its hot path; a backend decides what each costs.
 *
 * Identity: the daemon resolves a ClientRef once per connection (`client(id)`, at hello time,
 * off the hot path); every per-frame event then takes that ref. A backend that is faithful to
 * the seed's string-keyed design (legacy) looks the id up again on every event; `fast` uses the
 * slot it assigned in `client()`.
 */

export const BACKEND_NAMES = ['none', 'legacy', 'sampled', 'prom', 'otel', 'fast'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Pipeline stages whose latency the daemon reports (microseconds, from timestamps it takes anyway). */
export const STAGES = ['session', 'cache', 'history', 'provider', 'persist', 'total'] as const;
export type Stage = (typeof STAGES)[number];
/** Stage index into STAGES: numbers on the hot path, names only when rendering. */
export const StageId = { session: 0, cache: 1, history: 2, provider: 3, persist: 4, total: 5 } as const;
export type StageId = (typeof StageId)[Stage];

export const ERROR_KINDS = [
  'validation', 'protocol', 'auth', 'rate_limited', 'tool_not_found', 'tool_error', 'timeout',
  'provider', 'redis', 'supabase', 'backpressure', 'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/**
 * How often `fast` flushes its counter deltas to Redis (`EXAI_METRICS_FLUSH_MS`), by default.
 * Every 5 s, not every second: a flush is a round trip whose system calls dominate `fast`'s cost
 * in a running daemon (hot-path-open: ~0.35-0.45% of CPU per request at one flush a second,
 * against ~0.02% for every metrics call; README, "What a backend's timers cost"), and the Redis
 * view's readers (`/metrics.json?scope=cluster`, dashboards) refresh on that scale: StatsD flushes
 * every 10 s by default, OpenTelemetry's periodic reader every 60 s. The daemon's own counts are
 * exact at any moment; only the cluster view lags, by up to one interval.
 */
export const FAST_FLUSH_MS = 5000;
/** How often `fast` writes a Supabase roll-up row (`EXAI_METRICS_ROLLUP_MS`), by default. */
export const FAST_ROLLUP_MS = 60_000;

/** Handle for one client (session id). Backends may use either field. */
export interface ClientRef {
  readonly id: string;
  /** Slot index assigned by the backend (fast); -1 when the backend does not use slots. */
  readonly slot: number;
}

export interface ClientCounters {
  messagesReceived: number;
  messagesSent: number;
  errors: number;
  connectionsOpened: number;
  connectionsClosed: number;
  reconnects: number;
  dedupHits: number;
  cacheHits: number;
  cacheMisses: number;
}

export interface StageLatency {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** The body of `/metrics.json` (daemon issue, "Monitoring HTTP"). */
export interface MetricsSnapshot {
  backend: BackendName;
  /** false only for `sampled`, whose counts are scaled estimates. */
  exact: boolean;
  totals: ClientCounters;
  clients: Record<string, ClientCounters>;
  latencyUs: Partial<Record<Stage, StageLatency>>;
  /** Requests finished, by tool. */
  requests?: Record<string, { ok: number; failed: number }>;
  circuits?: Record<string, CircuitState>;
  /**
   * Errors by kind, kinds never seen left out; their sum is `totals.errors`. Absent when the
   * backend does not count them (none), and in the cluster scope, whose Redis hashes hold the
   * counter columns only.
   */
  errorsByKind?: Partial<Record<ErrorKind, number>>;
  /** Cluster scope only: the daemon instances whose counters were summed. */
  instances?: string[];
}

export interface MetricsBackend {
  readonly name: BackendName;
  readonly exact: boolean;

  /** Get or create the record for a client id (session id). Called once per connection. */
  client(id: string): ClientRef;

  connectionOpened(c: ClientRef): void;
  connectionClosed(c: ClientRef): void;
  frameReceived(c: ClientRef, bytes: number): void;
  frameSent(c: ClientRef, bytes: number): void;
  error(c: ClientRef | null, kind: ErrorKind): void;
  reconnect(c: ClientRef): void;
  dedupHit(c: ClientRef): void;
  cacheHit(c: ClientRef): void;
  cacheMiss(c: ClientRef): void;
  circuitChange(provider: string, from: CircuitState, to: CircuitState): void;
  stageLatency(stage: StageId, us: number): void;
  requestDone(c: ClientRef, tool: string, us: number, ok: boolean): void;

  /**
   * Off the hot path: what `/metrics.json` serves. A backend whose library reads back only
   * asynchronously (otel) throws here and implements `collect()`; callers that serve HTTP should
   * use `readSnapshot(backend)` from index.ts, which works for every backend.
   */
  snapshot(): MetricsSnapshot;
  /** Optional asynchronous read-back (the library's own collection path). */
  collect?(): Promise<MetricsSnapshot>;
  /** Off the hot path: Prometheus text exposition of the same data. */
  prometheus(): Promise<string>;
  /** Start timers (flushes, roll-ups). Optional sinks let a backend aggregate across processes. */
  start(sinks: MetricsSinks): void;
  /** Stop timers and flush what is pending. */
  close(): Promise<void>;
  /**
   * CPU (us, user + system) spent so far in the backend's own timers (flushes, roll-ups, idle
   * sweeps): their synchronous parts, up to each sink call's return; the replies are read later,
   * among the requests, and are not in it. `/stats` serves it, so a benchmark can say how much of a
   * backend's cost per request is its work off the hot path. Absent: the backend does not count it.
   */
  timerCpuUs?(): number;
}

/** Where backends that aggregate across processes write, off the hot path. */
export interface MetricsSinks {
  /** Unique per daemon process (host:pid:port). */
  instanceId: string;
  /** ioredis client, when the daemon has Redis. Typed loosely to keep this module dependency-free. */
  redis?: unknown;
  /** supabase-js client, when the daemon has Supabase. */
  supabase?: unknown;
}

export function emptyCounters(): ClientCounters {
  return {
    messagesReceived: 0, messagesSent: 0, errors: 0, connectionsOpened: 0, connectionsClosed: 0,
    reconnects: 0, dedupHits: 0, cacheHits: 0, cacheMisses: 0,
  };
}
