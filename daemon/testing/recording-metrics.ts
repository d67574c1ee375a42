/**
 * A metrics backend for tests: the `none` backend plus a log of the events tests assert on
 * (circuit changes, errors by kind, reconnects, dedup and cache hits, stage latencies).
 */
import { NoneMetrics } from '../metrics/none.ts';
import type { CircuitState, ClientRef, ErrorKind, StageId } from '../metrics/types.ts';

export class RecordingMetrics extends NoneMetrics {
  readonly circuits: Array<{ provider: string; from: CircuitState; to: CircuitState }> = [];
  readonly errors: ErrorKind[] = [];
  readonly stages: Array<{ stage: StageId; us: number }> = [];
  reconnects = 0;
  dedupHits = 0;
  cacheHits = 0;
  cacheMisses = 0;
  framesReceived = 0;
  framesSent = 0;

  override frameReceived(_c: ClientRef, _bytes: number): void {
    this.framesReceived++;
  }
  override frameSent(_c: ClientRef, _bytes: number): void {
    this.framesSent++;
  }
  override error(_c: ClientRef | null, kind: ErrorKind): void {
    this.errors.push(kind);
  }
  override reconnect(): void {
    this.reconnects++;
  }
  override dedupHit(): void {
    this.dedupHits++;
  }
  override cacheHit(): void {
    this.cacheHits++;
  }
  override cacheMiss(): void {
    this.cacheMisses++;
  }
  override circuitChange(provider: string, from: CircuitState, to: CircuitState): void {
    this.circuits.push({ provider, from, to });
  }
  override stageLatency(stage: StageId, us: number): void {
    this.stages.push({ stage, us });
  }
}
