import { COUNTER_NAMES } from './counter-names.ts';
import { renderPrometheus } from './render-prometheus.ts';
import { summarizeValues } from './summarize.ts';
import { TimerCpu } from './timer-cpu.ts';
import {
  emptyCounters, STAGES,
  type BackendName, type CircuitState, type ClientCounters, type ClientRef, type ErrorKind,
  type MetricsBackend, type MetricsSinks, type MetricsSnapshot, type StageId,
} from './types.ts';

/**
 * A port of the seed's ProductionMetrics (EX-AI-MCP-Server src/monitoring/production_metrics.py),
 * the "sampled design" of the seed's table, kept as its author wrote it:
 * - a random draw on every event; 3% of events are kept;
 * - a kept event becomes one CompactMetric object (timestamp from the wall clock, type, value,
 *   client id) appended to a ring buffer of 2,000; when the buffer is full the oldest is dropped;
 * - every 2 s a flush aggregates the buffer and scales each count by 1/rate.
 * So counts are estimates (exact = false). Adaptive sampling (the seed's AdaptiveSampler, which
 * scales by the rate at flush time rather than at sampling time) is available but off by default
 * because the issue fixes the rate at 3%.
 * One deliberate difference: snapshot() flushes what is buffered first, so the estimate is
 * current rather than up to 2 s old. That is off the hot path and changes no per-event cost.
 */
const enum MetricType {
  Connection = 0, Disconnection = 1, MessageReceived = 2, MessageSent = 3, Error = 4,
  Reconnect = 5, Dedup = 6, CacheHit = 7, CacheMiss = 8, RequestOk = 9, RequestFailed = 10,
  /** Stage latencies: StageLatency + stage id. */
  StageLatency = 16,
}

/** Which ClientCounters field each counting metric type feeds (index = MetricType). */
const COUNTER_OF: readonly (keyof ClientCounters | undefined)[] = [
  'connectionsOpened', 'connectionsClosed', 'messagesReceived', 'messagesSent', 'errors',
  'reconnects', 'dedupHits', 'cacheHits', 'cacheMisses',
];

class CompactMetric {
  constructor(
    public timestamp: number,
    public metricType: number,
    public value: number,
    public clientId: string,
    public tag: string,
  ) {}
}

export interface SampledOptions {
  sampleRate?: number;
  minSampleRate?: number;
  maxSampleRate?: number;
  bufferSize?: number;
  flushIntervalMs?: number;
  adaptive?: boolean;
  /** Uniform [0,1) source; Math.random as in the seed unless a test seeds it. */
  random?: () => number;
}

export class SampledMetrics implements MetricsBackend {
  readonly name: BackendName = 'sampled';
  readonly exact = false;

  private currentRate: number;
  private readonly minRate: number;
  private readonly maxRate: number;
  private readonly adaptive: boolean;
  private readonly random: () => number;
  private readonly flushIntervalMs: number;
  private lastAdjustment = Date.now();

  // ring buffer: fixed capacity, oldest overwritten when full (the seed's deque(maxlen=...))
  private readonly capacity: number;
  private readonly ring: (CompactMetric | undefined)[];
  private head = 0;
  private size = 0;
  private metricsAdded = 0;
  private metricsDropped = 0;
  private flushCount = 0;

  private readonly aggregated: ClientCounters = emptyCounters();
  private readonly perClient = new Map<string, ClientCounters>();
  private readonly latencySamples: Record<string, number[]> = {};
  private readonly latencyCounts: Record<string, number> = {};
  private readonly requests: Record<string, { ok: number; failed: number }> = {};
  private readonly errorsByKind: Partial<Record<ErrorKind, number>> = {};
  private readonly circuits: Record<string, CircuitState> = {};
  private flushTimer: NodeJS.Timeout | undefined;
  /** CPU of the timer's flushes (MetricsBackend.timerCpuUs). */
  private readonly timerCpu = new TimerCpu();

  constructor(opts: SampledOptions = {}) {
    this.currentRate = opts.sampleRate ?? 0.03;
    this.minRate = opts.minSampleRate ?? 0.01;
    this.maxRate = opts.maxSampleRate ?? 0.15;
    this.adaptive = opts.adaptive ?? false;
    this.random = opts.random ?? Math.random;
    this.capacity = opts.bufferSize ?? 2000;
    this.flushIntervalMs = opts.flushIntervalMs ?? 2000;
    this.ring = new Array(this.capacity).fill(undefined);
  }

  get sampleRate(): number {
    return this.currentRate;
  }

  client(id: string): ClientRef {
    return { id, slot: -1 };
  }

  private recordMetric(type: number, value: number, clientId: string, tag = ''): void {
    if (this.random() >= this.currentRate) return;
    this.addMetric(new CompactMetric(Date.now() / 1000, type, value, clientId, tag));
    if (this.adaptive) this.adjustSamplingRate(this.size / this.capacity);
  }

  private addMetric(m: CompactMetric): void {
    if (this.size >= this.capacity) this.metricsDropped += 1;
    else this.size += 1;
    this.ring[this.head] = m;
    this.head = (this.head + 1) % this.capacity;
    this.metricsAdded += 1;
  }

  /** The seed's AdaptiveSampler.adjust_sampling_rate (every 5 s at most). */
  private adjustSamplingRate(fillRatio: number): void {
    const now = Date.now();
    if (now - this.lastAdjustment < 5000) return;
    this.lastAdjustment = now;
    if (fillRatio > 0.8) this.currentRate = Math.max(this.currentRate * 0.7, this.minRate);
    else if (fillRatio < 0.3) this.currentRate = Math.min(this.currentRate * 1.2, this.maxRate);
  }

  connectionOpened(c: ClientRef): void { this.recordMetric(MetricType.Connection, 1, c.id); }
  connectionClosed(c: ClientRef): void { this.recordMetric(MetricType.Disconnection, 1, c.id); }
  frameReceived(c: ClientRef, _bytes: number): void { this.recordMetric(MetricType.MessageReceived, 1, c.id); }
  frameSent(c: ClientRef, _bytes: number): void { this.recordMetric(MetricType.MessageSent, 1, c.id); }
  error(c: ClientRef | null, kind: ErrorKind): void { this.recordMetric(MetricType.Error, 1, c?.id ?? '', kind); }
  reconnect(c: ClientRef): void { this.recordMetric(MetricType.Reconnect, 1, c.id); }
  dedupHit(c: ClientRef): void { this.recordMetric(MetricType.Dedup, 1, c.id); }
  cacheHit(c: ClientRef): void { this.recordMetric(MetricType.CacheHit, 1, c.id); }
  cacheMiss(c: ClientRef): void { this.recordMetric(MetricType.CacheMiss, 1, c.id); }
  stageLatency(stage: StageId, us: number): void { this.recordMetric(MetricType.StageLatency + stage, us, ''); }
  requestDone(c: ClientRef, tool: string, _us: number, ok: boolean): void {
    this.recordMetric(ok ? MetricType.RequestOk : MetricType.RequestFailed, 1, c.id, tool);
  }
  /** State, not a count: the seed bypassed sampling for circuit events (is_critical). */
  circuitChange(provider: string, _from: CircuitState, to: CircuitState): void {
    this.circuits[provider] = to;
  }

  /** The seed's _process_metrics_batch: aggregate the buffer, each count scaled by 1/rate. */
  flush(): void {
    if (this.size === 0) return;
    const multiplier = 1 / Math.max(0.001, this.currentRate);
    const start = (this.head - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) {
      const idx = (start + i) % this.capacity;
      const m = this.ring[idx]!;
      this.ring[idx] = undefined;
      this.aggregate(m, multiplier);
    }
    this.size = 0;
    this.flushCount += 1;
  }

  private aggregate(m: CompactMetric, multiplier: number): void {
    if (m.metricType >= MetricType.StageLatency) {
      const stage = STAGES[m.metricType - MetricType.StageLatency];
      (this.latencySamples[stage] ??= []).push(m.value);
      if (this.latencySamples[stage].length > 10_000) this.latencySamples[stage].shift();
      this.latencyCounts[stage] = (this.latencyCounts[stage] ?? 0) + multiplier;
      return;
    }
    if (m.metricType === MetricType.RequestOk || m.metricType === MetricType.RequestFailed) {
      const r = (this.requests[m.tag] ??= { ok: 0, failed: 0 });
      if (m.metricType === MetricType.RequestOk) r.ok += multiplier;
      else r.failed += multiplier;
      return;
    }
    const field = COUNTER_OF[m.metricType];
    if (!field) return;
    const corrected = m.value * multiplier;
    // An error's kind rides in its tag (error() records it), scaled like every count.
    if (m.metricType === MetricType.Error) this.errorsByKind[m.tag as ErrorKind] = (this.errorsByKind[m.tag as ErrorKind] ?? 0) + corrected;
    this.aggregated[field] += corrected;
    if (m.clientId !== '') {
      let per = this.perClient.get(m.clientId);
      if (!per) this.perClient.set(m.clientId, (per = emptyCounters()));
      per[field] += corrected;
    }
  }

  snapshot(): MetricsSnapshot {
    this.flush();
    const round = (c: ClientCounters): ClientCounters => {
      const out = emptyCounters();
      for (const k of COUNTER_NAMES) out[k] = Math.round(c[k]);
      return out;
    };
    const clients: Record<string, ClientCounters> = {};
    for (const [id, c] of this.perClient) clients[id] = round(c);
    const latencyUs: MetricsSnapshot['latencyUs'] = {};
    for (const stage of STAGES) {
      const samples = this.latencySamples[stage];
      if (samples) latencyUs[stage] = { ...summarizeValues(samples), count: Math.round(this.latencyCounts[stage]) };
    }
    const requests: NonNullable<MetricsSnapshot['requests']> = {};
    for (const [tool, r] of Object.entries(this.requests)) requests[tool] = { ok: Math.round(r.ok), failed: Math.round(r.failed) };
    const errorsByKind: NonNullable<MetricsSnapshot['errorsByKind']> = {};
    for (const [kind, n] of Object.entries(this.errorsByKind)) errorsByKind[kind as ErrorKind] = Math.round(n);
    return {
      backend: 'sampled', exact: false, totals: round(this.aggregated), clients, latencyUs, requests,
      circuits: { ...this.circuits }, errorsByKind,
    };
  }

  async prometheus(): Promise<string> {
    return renderPrometheus(this.snapshot());
  }

  /** The seed's meta-metrics: how much the ring buffer lost. */
  meta(): { metricsAdded: number; metricsDropped: number; flushCount: number; sampleRate: number; buffered: number } {
    return {
      metricsAdded: this.metricsAdded, metricsDropped: this.metricsDropped, flushCount: this.flushCount,
      sampleRate: this.currentRate, buffered: this.size,
    };
  }

  start(_sinks: MetricsSinks): void {
    if (this.flushTimer) return;
    this.flushTimer = setInterval(() => this.timerCpu.run(() => this.flush()), this.flushIntervalMs);
    this.flushTimer.unref();
  }

  timerCpuUs(): number {
    return this.timerCpu.totalUs;
  }

  async close(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = undefined;
    this.flush();
  }
}

/*
 * What this JavaScript port cannot reproduce of the Python original (README, "the seed's table"):
 * - a timer instead of a flush thread: ProductionMetrics flushes from a background thread that
 *   swaps the buffer under a lock; here the 2 s flush is a setInterval on the event loop, so its
 *   work runs between requests (it can add to one request's latency) rather than beside them;
 * - no lock and no GIL: the seed's recording path takes a lock and its threads contend for the
 *   interpreter lock, with the flush thread among them; the port has one thread and neither;
 * - random.random(), deque(maxlen=...) and dataclass records become Math.random(), a ring buffer
 *   and a small class, each cheaper in V8 than in CPython.
 * The sampling (3%), the buffer bound and the 1/rate scaling, which decide what it reports, are
 * the seed's.
 */
