import {
  emptyCounters,
  type BackendName, type CircuitState, type ClientRef, type ErrorKind, type MetricsBackend,
  type MetricsSinks, type MetricsSnapshot, type StageId,
} from './types.ts';

/**
 * The baseline: every event is a no-op, so the benchmarks measure the daemon without metrics.
 * Totals in the snapshot are zero by design (nothing is counted).
 */
export class NoneMetrics implements MetricsBackend {
  readonly name: BackendName = 'none';
  readonly exact = true;

  client(id: string): ClientRef {
    return { id, slot: -1 };
  }
  connectionOpened(_c: ClientRef): void {}
  connectionClosed(_c: ClientRef): void {}
  frameReceived(_c: ClientRef, _bytes: number): void {}
  frameSent(_c: ClientRef, _bytes: number): void {}
  error(_c: ClientRef | null, _kind: ErrorKind): void {}
  reconnect(_c: ClientRef): void {}
  dedupHit(_c: ClientRef): void {}
  cacheHit(_c: ClientRef): void {}
  cacheMiss(_c: ClientRef): void {}
  circuitChange(_provider: string, _from: CircuitState, _to: CircuitState): void {}
  stageLatency(_stage: StageId, _us: number): void {}
  requestDone(_c: ClientRef, _tool: string, _us: number, _ok: boolean): void {}

  snapshot(): MetricsSnapshot {
    return { backend: 'none', exact: true, totals: emptyCounters(), clients: {}, latencyUs: {} };
  }
  async prometheus(): Promise<string> {
    return '# metrics backend "none": nothing is recorded\n';
  }
  start(_sinks: MetricsSinks): void {}
  async close(): Promise<void> {}
  /** No timers. */
  timerCpuUs(): number {
    return 0;
  }
}
