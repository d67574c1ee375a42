import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import {
  AggregationTemporality, DataPointType, MeterProvider, MetricReader,
  type HistogramMetricData, type MetricData,
} from '@opentelemetry/sdk-metrics';
import { COUNTER_NAMES, PROM_COUNTER_NAMES, type CounterName } from './counter-names.ts';
import { bucketLatency, LATENCY_BOUNDS_US } from './bucket-percentiles.ts';
import { renderPrometheus } from './render-prometheus.ts';
import {
  emptyCounters, STAGES,
  type BackendName, type CircuitState, type ClientCounters, type ClientRef, type ErrorKind,
  type MetricsBackend, type MetricsSinks, type MetricsSnapshot, type Stage, type StageId,
} from './types.ts';

/**
 * @opentelemetry/sdk-metrics as a user would wire it: a MeterProvider of its own (not the global
 * one, so instances share nothing) with a pull reader, Counters with a `client` attribute,
 * Histograms with explicit bucket boundaries. The attribute object is built once per connection.
 *
 * Reading back is asynchronous in the SDK (MetricReader.collect), so this backend implements
 * `collect()` and its synchronous `snapshot()` refuses: call readSnapshot() from index.ts.
 */
class PullReader extends MetricReader {
  constructor() {
    super({
      aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
      // the SDK's default of 2,000 series per instrument folds further clients into an overflow
      // series; a daemon with 10,000 clients must keep them apart to report per-client counts
      cardinalitySelector: () => 1_000_000,
    });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

interface OtelClientRef extends ClientRef {
  readonly attributes: Attributes;
}

const STAGE_ATTRIBUTES: Attributes[] = STAGES.map((stage) => ({ stage }));

export class OtelMetrics implements MetricsBackend {
  readonly name: BackendName = 'otel';
  readonly exact = true;

  private readonly reader = new PullReader();
  private readonly provider = new MeterProvider({ readers: [this.reader] });
  private readonly meter: Meter = this.provider.getMeter('overbench-daemon');
  private readonly counters: Record<CounterName, Counter>;
  private readonly bytesReceived: Counter;
  private readonly bytesSent: Counter;
  private readonly errorsByKind: Counter;
  private readonly stage: Histogram;
  private readonly requests: Counter;
  private readonly requestDuration: Histogram;
  private readonly circuits: Record<string, CircuitState> = {};

  constructor() {
    const m = this.meter;
    this.counters = Object.fromEntries(
      COUNTER_NAMES.map((n) => [n, m.createCounter(PROM_COUNTER_NAMES[n], { description: `${n} per client` })]),
    ) as Record<CounterName, Counter>;
    this.bytesReceived = m.createCounter('overbench_bytes_received_total', { unit: 'By' });
    this.bytesSent = m.createCounter('overbench_bytes_sent_total', { unit: 'By' });
    this.errorsByKind = m.createCounter('overbench_errors_by_kind_total');
    const advice = { explicitBucketBoundaries: [...LATENCY_BOUNDS_US] };
    this.stage = m.createHistogram('overbench_stage_latency_us', { unit: 'us', advice });
    this.requests = m.createCounter('overbench_requests_total');
    this.requestDuration = m.createHistogram('overbench_request_duration_us', { unit: 'us', advice });
  }

  client(id: string): OtelClientRef {
    return { id, slot: -1, attributes: { client: id } };
  }

  private attrs(c: ClientRef): Attributes {
    return (c as OtelClientRef).attributes ?? { client: c.id };
  }

  connectionOpened(c: ClientRef): void { this.counters.connectionsOpened.add(1, this.attrs(c)); }
  connectionClosed(c: ClientRef): void { this.counters.connectionsClosed.add(1, this.attrs(c)); }
  frameReceived(c: ClientRef, bytes: number): void {
    const a = this.attrs(c);
    this.counters.messagesReceived.add(1, a);
    this.bytesReceived.add(bytes, a);
  }
  frameSent(c: ClientRef, bytes: number): void {
    const a = this.attrs(c);
    this.counters.messagesSent.add(1, a);
    this.bytesSent.add(bytes, a);
  }
  error(c: ClientRef | null, kind: ErrorKind): void {
    this.counters.errors.add(1, c ? this.attrs(c) : { client: '' });
    this.errorsByKind.add(1, { kind });
  }
  reconnect(c: ClientRef): void { this.counters.reconnects.add(1, this.attrs(c)); }
  dedupHit(c: ClientRef): void { this.counters.dedupHits.add(1, this.attrs(c)); }
  cacheHit(c: ClientRef): void { this.counters.cacheHits.add(1, this.attrs(c)); }
  cacheMiss(c: ClientRef): void { this.counters.cacheMisses.add(1, this.attrs(c)); }
  circuitChange(provider: string, _from: CircuitState, to: CircuitState): void { this.circuits[provider] = to; }
  stageLatency(stage: StageId, us: number): void { this.stage.record(us, STAGE_ATTRIBUTES[stage]); }
  requestDone(_c: ClientRef, tool: string, us: number, ok: boolean): void {
    this.requests.add(1, { tool, outcome: ok ? 'ok' : 'failed' });
    this.requestDuration.record(us, { tool });
  }

  snapshot(): MetricsSnapshot {
    throw new Error('the otel backend reads its counters back asynchronously: use readSnapshot(backend) from daemon/metrics/index.ts');
  }

  /** Pull from the SDK (MetricReader.collect) and fold the data points into a snapshot. */
  async collect(): Promise<MetricsSnapshot> {
    const { resourceMetrics, errors } = await this.reader.collect();
    if (errors.length > 0) throw new AggregateError(errors, 'otel collection failed');
    const byName = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics) for (const m of scope.metrics) byName.set(m.descriptor.name, m);

    const totals = emptyCounters();
    const clients: Record<string, ClientCounters> = {};
    for (const name of COUNTER_NAMES) {
      const data = byName.get(PROM_COUNTER_NAMES[name]);
      if (!data || data.dataPointType !== DataPointType.SUM) continue;
      for (const dp of data.dataPoints) {
        totals[name] += dp.value;
        const id = String(dp.attributes.client ?? '');
        if (id !== '') (clients[id] ??= emptyCounters())[name] += dp.value;
      }
    }
    const latencyUs: MetricsSnapshot['latencyUs'] = {};
    const stageData = byName.get('overbench_stage_latency_us');
    if (stageData && stageData.dataPointType === DataPointType.HISTOGRAM) {
      for (const dp of (stageData as HistogramMetricData).dataPoints) {
        const { boundaries, counts } = dp.value.buckets;
        latencyUs[String(dp.attributes.stage) as Stage] = bucketLatency(boundaries, counts, dp.value.max);
      }
    }
    const requests: NonNullable<MetricsSnapshot['requests']> = {};
    const reqData = byName.get('overbench_requests_total');
    if (reqData && reqData.dataPointType === DataPointType.SUM) {
      for (const dp of reqData.dataPoints) {
        const r = (requests[String(dp.attributes.tool)] ??= { ok: 0, failed: 0 });
        if (dp.attributes.outcome === 'ok') r.ok += dp.value;
        else r.failed += dp.value;
      }
    }
    const errorsByKind: NonNullable<MetricsSnapshot['errorsByKind']> = {};
    const kindData = byName.get('overbench_errors_by_kind_total');
    if (kindData && kindData.dataPointType === DataPointType.SUM) {
      for (const dp of kindData.dataPoints) if (dp.value > 0) errorsByKind[String(dp.attributes.kind) as ErrorKind] = dp.value;
    }
    return { backend: 'otel', exact: true, totals, clients, latencyUs, requests, circuits: { ...this.circuits }, errorsByKind };
  }

  async prometheus(): Promise<string> {
    return renderPrometheus(await this.collect());
  }

  start(_sinks: MetricsSinks): void {}

  async close(): Promise<void> {
    await this.provider.shutdown();
  }
}
