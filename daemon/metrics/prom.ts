import client from 'prom-client';
import { COUNTER_NAMES, PROM_COUNTER_NAMES, type CounterName } from './counter-names.ts';
import { bucketLatency, LATENCY_BOUNDS_US } from './bucket-percentiles.ts';
import {
  emptyCounters, STAGES,
  type BackendName, type CircuitState, type ClientCounters, type ClientRef, type ErrorKind,
  type MetricsBackend, type MetricsSinks, type MetricsSnapshot, type StageId,
} from './types.ts';

/**
 * prom-client as a user would wire it: one Registry per backend instance (no global state shared
 * between instances), Counters labelled by client, Histograms for latencies. The one courtesy we
 * extend it is what a careful user would do: the `{ client }` label object is built once per
 * connection in client() rather than on every event.
 */
interface PromClientRef extends ClientRef {
  readonly labels: { client: string };
}

type LabelledValue = { value: number; labels: Record<string, string | number> };
type HistogramValue = { labels: Record<string, string | number>; bucketValues: Record<string, number>; count: number };

const STAGE_LABELS = STAGES.map((stage) => ({ stage }));
const CIRCUIT_CODE: Record<CircuitState, number> = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 };

export class PromMetrics implements MetricsBackend {
  readonly name: BackendName = 'prom';
  readonly exact = true;
  readonly registry = new client.Registry();

  private readonly counters: Record<CounterName, client.Counter<string>>;
  private readonly bytesReceived: client.Counter<'client'>;
  private readonly bytesSent: client.Counter<'client'>;
  private readonly errorsByKind: client.Counter<'kind'>;
  private readonly stage: client.Histogram<'stage'>;
  private readonly requests: client.Counter<'tool' | 'outcome'>;
  private readonly requestDuration: client.Histogram<'tool'>;
  private readonly circuit: client.Gauge<'provider'>;
  private readonly circuits: Record<string, CircuitState> = {};

  constructor() {
    const registers = [this.registry];
    const counter = (name: string, help: string) =>
      new client.Counter({ name, help, labelNames: ['client'], registers });
    this.counters = Object.fromEntries(
      COUNTER_NAMES.map((n) => [n, counter(PROM_COUNTER_NAMES[n], `${n} per client`)]),
    ) as Record<CounterName, client.Counter<string>>;
    this.bytesReceived = new client.Counter({ name: 'overbench_bytes_received_total', help: 'frame bytes received', labelNames: ['client'], registers });
    this.bytesSent = new client.Counter({ name: 'overbench_bytes_sent_total', help: 'frame bytes sent', labelNames: ['client'], registers });
    this.errorsByKind = new client.Counter({ name: 'overbench_errors_by_kind_total', help: 'errors by kind', labelNames: ['kind'], registers });
    this.stage = new client.Histogram({ name: 'overbench_stage_latency_us', help: 'pipeline stage latency (us)', labelNames: ['stage'], buckets: [...LATENCY_BOUNDS_US], registers });
    this.requests = new client.Counter({ name: 'overbench_requests_total', help: 'requests finished', labelNames: ['tool', 'outcome'], registers });
    this.requestDuration = new client.Histogram({ name: 'overbench_request_duration_us', help: 'request duration (us)', labelNames: ['tool'], buckets: [...LATENCY_BOUNDS_US], registers });
    this.circuit = new client.Gauge({ name: 'overbench_circuit_state', help: 'circuit state (0 closed, 1 half-open, 2 open)', labelNames: ['provider'], registers });
  }

  client(id: string): PromClientRef {
    return { id, slot: -1, labels: { client: id } };
  }

  private labelsOf(c: ClientRef): { client: string } {
    return (c as PromClientRef).labels ?? { client: c.id };
  }

  connectionOpened(c: ClientRef): void { this.counters.connectionsOpened.inc(this.labelsOf(c)); }
  connectionClosed(c: ClientRef): void { this.counters.connectionsClosed.inc(this.labelsOf(c)); }
  frameReceived(c: ClientRef, bytes: number): void {
    const labels = this.labelsOf(c);
    this.counters.messagesReceived.inc(labels);
    this.bytesReceived.inc(labels, bytes);
  }
  frameSent(c: ClientRef, bytes: number): void {
    const labels = this.labelsOf(c);
    this.counters.messagesSent.inc(labels);
    this.bytesSent.inc(labels, bytes);
  }
  error(c: ClientRef | null, kind: ErrorKind): void {
    this.counters.errors.inc(c ? this.labelsOf(c) : { client: '' });
    this.errorsByKind.inc({ kind });
  }
  reconnect(c: ClientRef): void { this.counters.reconnects.inc(this.labelsOf(c)); }
  dedupHit(c: ClientRef): void { this.counters.dedupHits.inc(this.labelsOf(c)); }
  cacheHit(c: ClientRef): void { this.counters.cacheHits.inc(this.labelsOf(c)); }
  cacheMiss(c: ClientRef): void { this.counters.cacheMisses.inc(this.labelsOf(c)); }
  circuitChange(provider: string, _from: CircuitState, to: CircuitState): void {
    this.circuits[provider] = to;
    this.circuit.set({ provider }, CIRCUIT_CODE[to]);
  }
  stageLatency(stage: StageId, us: number): void { this.stage.observe(STAGE_LABELS[stage], us); }
  requestDone(_c: ClientRef, tool: string, us: number, ok: boolean): void {
    this.requests.inc({ tool, outcome: ok ? 'ok' : 'failed' });
    this.requestDuration.observe({ tool }, us);
  }

  /**
   * Read prom-client's own counters back. prom-client's public reader (`get()`) is async; the
   * snapshot is sync, so this reads the same per-label store `get()` returns (`hashMap`).
   * prom.test.ts checks the result against the library's own text exposition.
   */
  snapshot(): MetricsSnapshot {
    const totals = emptyCounters();
    const clients: Record<string, ClientCounters> = {};
    for (const name of COUNTER_NAMES) {
      for (const v of valuesOf(this.counters[name])) {
        totals[name] += v.value;
        const id = String(v.labels.client ?? '');
        if (id === '') continue; // errors not tied to a client count in totals only
        (clients[id] ??= emptyCounters())[name] += v.value;
      }
    }
    const latencyUs: MetricsSnapshot['latencyUs'] = {};
    for (const h of histogramValuesOf(this.stage)) {
      const stage = String(h.labels.stage) as (typeof STAGES)[number];
      latencyUs[stage] = bucketLatency(LATENCY_BOUNDS_US, bucketCounts(h));
    }
    const requests: NonNullable<MetricsSnapshot['requests']> = {};
    for (const v of valuesOf(this.requests)) {
      const r = (requests[String(v.labels.tool)] ??= { ok: 0, failed: 0 });
      if (v.labels.outcome === 'ok') r.ok += v.value;
      else r.failed += v.value;
    }
    const errorsByKind: NonNullable<MetricsSnapshot['errorsByKind']> = {};
    for (const v of valuesOf(this.errorsByKind)) if (v.value > 0) errorsByKind[v.labels.kind as ErrorKind] = v.value;
    return { backend: 'prom', exact: true, totals, clients, latencyUs, requests, circuits: { ...this.circuits }, errorsByKind };
  }

  async prometheus(): Promise<string> {
    return this.registry.metrics();
  }

  start(_sinks: MetricsSinks): void {}

  async close(): Promise<void> {
    this.registry.clear();
  }
}

function valuesOf(metric: client.Counter<string>): LabelledValue[] {
  return Object.values((metric as unknown as { hashMap: Record<string, LabelledValue> }).hashMap);
}

function histogramValuesOf(metric: client.Histogram<string>): HistogramValue[] {
  return Object.values((metric as unknown as { hashMap: Record<string, HistogramValue> }).hashMap);
}

/** prom-client keeps per-bucket (not cumulative) counts keyed by upper bound; overflow is count - sum. */
function bucketCounts(h: HistogramValue): number[] {
  const counts = LATENCY_BOUNDS_US.map((b) => h.bucketValues[b] ?? 0);
  const inBuckets = counts.reduce((a, b) => a + b, 0);
  counts.push(h.count - inBuckets);
  return counts;
}
