import { renderPrometheus } from './render-prometheus.ts';
import { summarizeValues } from './summarize.ts';
import {
  emptyCounters, STAGES,
  type BackendName, type CircuitState, type ClientCounters, type ClientRef, type ErrorKind,
  type MetricsBackend, type MetricsSinks, type MetricsSnapshot, type StageId,
} from './types.ts';

/**
 * A port of the seed's WebSocketMetrics (EX-AI-MCP-Server src/monitoring/websocket_metrics.py),
 * kept as its author wrote it, because it is the design whose cost we measure:
 * - one record per client id, looked up by string in a Map on every event and created on first use;
 * - a wall-clock read (`Date.now()`) on every event for `lastUpdate`, and another for the
 *   per-client last-activity map that the TTL cleanup uses;
 * - latencies kept as arrays of samples (bounded, oldest dropped), percentiles computed on request.
 * Only the event names are adapted to the MetricsBackend interface.
 */
interface ClientRecord extends ClientCounters {
  clientId: string;
  bytesReceived: number;
  bytesSent: number;
}

/** The seed bounded its sample history; 10,000 per series keeps the percentile window useful. */
const MAX_SAMPLES = 10_000;
/** The seed's cleanup: inactive clients dropped after an hour, checked every 5 minutes. */
const CLIENT_TTL_MS = 3_600_000;
const CLEANUP_INTERVAL_MS = 300_000;

export class LegacyMetrics implements MetricsBackend {
  readonly name: BackendName = 'legacy';
  readonly exact = true;

  private readonly totals: ClientCounters = emptyCounters();
  private activeConnections = 0;
  private bytesReceived = 0;
  private bytesSent = 0;
  private readonly errorsByKind: Partial<Record<ErrorKind, number>> = {};
  private readonly clientMetrics = new Map<string, ClientRecord>();
  private readonly clientLastActivity = new Map<string, number>();
  private readonly latencies: Record<string, number[]> = {};
  private readonly requestsByTool = new Map<string, { ok: number; failed: number; latencies: number[] }>();
  private readonly circuitStates: Record<string, CircuitState> = {};
  private circuitOpens = 0;
  private circuitHalfOpens = 0;
  private circuitCloses = 0;
  private readonly startTime = Date.now();
  private lastUpdate = Date.now();
  private cleanupTimer: NodeJS.Timeout | undefined;

  client(id: string): ClientRef {
    return { id, slot: -1 };
  }

  private record(clientId: string): ClientRecord {
    let rec = this.clientMetrics.get(clientId);
    if (rec === undefined) {
      rec = { clientId, ...emptyCounters(), bytesReceived: 0, bytesSent: 0 };
      this.clientMetrics.set(clientId, rec);
    }
    return rec;
  }

  private touch(clientId: string): void {
    this.lastUpdate = Date.now();
    this.clientLastActivity.set(clientId, Date.now());
  }

  connectionOpened(c: ClientRef): void {
    this.totals.connectionsOpened += 1;
    this.activeConnections += 1;
    this.record(c.id).connectionsOpened += 1;
    this.touch(c.id);
  }

  connectionClosed(c: ClientRef): void {
    this.totals.connectionsClosed += 1;
    this.activeConnections = Math.max(0, this.activeConnections - 1);
    this.record(c.id).connectionsClosed += 1;
    this.touch(c.id);
  }

  frameReceived(c: ClientRef, bytes: number): void {
    this.totals.messagesReceived += 1;
    this.bytesReceived += bytes;
    const rec = this.record(c.id);
    rec.messagesReceived += 1;
    rec.bytesReceived += bytes;
    this.touch(c.id);
  }

  frameSent(c: ClientRef, bytes: number): void {
    this.totals.messagesSent += 1;
    this.bytesSent += bytes;
    const rec = this.record(c.id);
    rec.messagesSent += 1;
    rec.bytesSent += bytes;
    this.touch(c.id);
  }

  error(c: ClientRef | null, kind: ErrorKind): void {
    this.totals.errors += 1;
    this.errorsByKind[kind] = (this.errorsByKind[kind] ?? 0) + 1;
    this.lastUpdate = Date.now();
    if (c !== null) {
      this.record(c.id).errors += 1;
      this.touch(c.id);
    }
  }

  reconnect(c: ClientRef): void {
    this.totals.reconnects += 1;
    this.record(c.id).reconnects += 1;
    this.touch(c.id);
  }

  dedupHit(c: ClientRef): void {
    this.totals.dedupHits += 1;
    this.record(c.id).dedupHits += 1;
    this.touch(c.id);
  }

  cacheHit(c: ClientRef): void {
    this.totals.cacheHits += 1;
    this.record(c.id).cacheHits += 1;
    this.touch(c.id);
  }

  cacheMiss(c: ClientRef): void {
    this.totals.cacheMisses += 1;
    this.record(c.id).cacheMisses += 1;
    this.touch(c.id);
  }

  circuitChange(provider: string, from: CircuitState, to: CircuitState): void {
    this.circuitStates[provider] = to;
    this.lastUpdate = Date.now();
    if (from !== to) {
      if (to === 'OPEN') this.circuitOpens += 1;
      else if (to === 'HALF_OPEN') this.circuitHalfOpens += 1;
      else this.circuitCloses += 1;
    }
  }

  stageLatency(stage: StageId, us: number): void {
    const key = STAGES[stage];
    const samples = (this.latencies[key] ??= []);
    samples.push(us);
    if (samples.length > MAX_SAMPLES) samples.shift();
    this.lastUpdate = Date.now();
  }

  requestDone(c: ClientRef, tool: string, us: number, ok: boolean): void {
    let rec = this.requestsByTool.get(tool);
    if (rec === undefined) {
      rec = { ok: 0, failed: 0, latencies: [] };
      this.requestsByTool.set(tool, rec);
    }
    if (ok) rec.ok += 1;
    else rec.failed += 1;
    rec.latencies.push(us);
    if (rec.latencies.length > MAX_SAMPLES) rec.latencies.shift();
    this.touch(c.id);
  }

  /** The seed's cleanup_inactive_clients: forget clients idle for longer than the TTL. */
  cleanupInactiveClients(ttlMs = CLIENT_TTL_MS): number {
    const now = Date.now();
    let removed = 0;
    for (const [id, last] of this.clientLastActivity) {
      if (now - last > ttlMs) {
        this.clientMetrics.delete(id);
        this.clientLastActivity.delete(id);
        removed += 1;
      }
    }
    return removed;
  }

  snapshot(): MetricsSnapshot {
    const clients: Record<string, ClientCounters> = {};
    for (const [id, rec] of this.clientMetrics) {
      const { clientId: _id, bytesReceived: _r, bytesSent: _s, ...counters } = rec;
      clients[id] = counters;
    }
    const latencyUs: MetricsSnapshot['latencyUs'] = {};
    for (const stage of STAGES) {
      const samples = this.latencies[stage];
      if (samples) latencyUs[stage] = summarizeValues(samples);
    }
    const requests: NonNullable<MetricsSnapshot['requests']> = {};
    for (const [tool, r] of this.requestsByTool) requests[tool] = { ok: r.ok, failed: r.failed };
    return {
      backend: 'legacy', exact: true, totals: { ...this.totals }, clients, latencyUs, requests,
      circuits: { ...this.circuitStates }, errorsByKind: { ...this.errorsByKind },
    };
  }

  async prometheus(): Promise<string> {
    return renderPrometheus(this.snapshot());
  }

  start(_sinks: MetricsSinks): void {
    if (this.cleanupTimer) return;
    this.cleanupTimer = setInterval(() => this.cleanupInactiveClients(), CLEANUP_INTERVAL_MS);
    this.cleanupTimer.unref();
  }

  async close(): Promise<void> {
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
    this.cleanupTimer = undefined;
  }

  /** The seed's to_dict() extras that the snapshot shape has no field for. */
  extras(): Record<string, number> {
    return {
      activeConnections: this.activeConnections, bytesReceived: this.bytesReceived, bytesSent: this.bytesSent,
      circuitOpens: this.circuitOpens, circuitHalfOpens: this.circuitHalfOpens, circuitCloses: this.circuitCloses,
      uptimeSeconds: (Date.now() - this.startTime) / 1000, lastUpdate: this.lastUpdate,
    };
  }
}

/*
 * What this JavaScript port cannot reproduce of the Python original (README, "the seed's table"):
 * - no lock: WebSocketMetrics takes a threading lock around every update; Node runs this on one
 *   thread, so the port pays no acquire/release per event and nothing ever waits for it;
 * - no GIL: in the seed, metric updates from the daemon's threads contend for the interpreter
 *   lock with everything else the process runs; here they only take their turn on the event loop;
 * - Python's per-event costs (dict lookups on str keys, float and dict allocation, time.time())
 *   become V8's (Map lookups, object shapes the JIT optimises, Date.now()), which are cheaper.
 * So its figure here is a floor for the seed's per-client-record design, not the seed's figure.
 */
