import { CoarseClock } from './coarse-clock.ts';
import { COUNTER_NAMES } from './counter-names.ts';
import { Col, STRIDE, SUMMED_COLUMNS } from './fast-layout.ts';
import { FastSinks } from './fast-sinks.ts';
import type { FlushSource } from './fast-flush-source.ts';
import { LogHistogram } from './log-histogram.ts';
import { renderPrometheus } from './render-prometheus.ts';
import { summarizeHistogram } from './summarize.ts';
import {
  emptyCounters, ERROR_KINDS, STAGES,
  type BackendName, type CircuitState, type ClientCounters, type ClientRef, type ErrorKind,
  type MetricsBackend, type MetricsSinks, type MetricsSnapshot, type StageId,
} from './types.ts';

/**
 * Our design. Exact counts, and on the hot path (frame received/sent, cache, dedup, stage
 * latency) no allocation, no string-keyed lookup and no clock read:
 * - client(id) (once per connection) assigns a slot; every event after that is `cells[slot*STRIDE+k] += 1`;
 * - last activity (for reclaiming idle slots) is stamped at connection open and close only, from
 *   a coarse clock (a field a 100 ms timer updates): no per-frame clock read or stamp;
 * - stage latencies go into preallocated log-linear histograms (HdrHistogram's layout, integer
 *   indexing: log-histogram.ts says why not hdr-histogram-js's recordValue on the hot path).
 * Snapshot, Prometheus rendering, the Redis flush and the Supabase roll-up all read the arrays
 * on request or on a timer. Slot 0 holds events not tied to a client (an error before hello).
 */
export interface FastOptions {
  initialClients?: number;
  /** Clients closed and idle this long are folded into retired totals and their slot reused. */
  idleTtlMs?: number;
  flushIntervalMs?: number;
  rollupIntervalMs?: number;
  clockResolutionMs?: number;
}

const NO_CLIENT_SLOT = 0;
// Module-local copies of the layout: an imported binding is read through the module record on
// every access (measured: ~3 ns per load in the hot methods, more than the increment itself);
// a local const is a constant to the JIT.
const S = STRIDE;
const RECEIVED = Col.messagesReceived;
const SENT = Col.messagesSent;
const ERRORS = Col.errors;
const OPENED = Col.connectionsOpened;
const CLOSED = Col.connectionsClosed;
const RECONNECTS = Col.reconnects;
const DEDUP = Col.dedupHits;
const CACHE_HITS = Col.cacheHits;
const CACHE_MISSES = Col.cacheMisses;
const BYTES_RECEIVED = Col.bytesReceived;
const BYTES_SENT = Col.bytesSent;
const LAST_ACTIVITY = Col.lastActivityMs;
const KIND_INDEX = Object.fromEntries(ERROR_KINDS.map((k, i) => [k, i])) as Record<ErrorKind, number>;

export class FastMetrics implements MetricsBackend, FlushSource {
  readonly name: BackendName = 'fast';
  readonly exact = true;

  /** Per-slot counters, STRIDE columns each (fast-layout.ts). Replaced (copied) when it grows. */
  cells: Float64Array;
  /**
   * What the Redis flush has already sent, same layout; allocated only when a Redis sink starts
   * (without one it would double the memory per client for nothing).
   */
  flushed: Float64Array = new Float64Array(0);
  /** Counts of slots that were reclaimed, so totals stay exact after eviction. */
  readonly retired = new Float64Array(SUMMED_COLUMNS);
  private readonly slotOf = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  private nextSlot = NO_CLIENT_SLOT + 1;

  readonly stages: LogHistogram[] = STAGES.map(() => new LogHistogram());
  readonly errorsByKind = new Float64Array(ERROR_KINDS.length);
  private toolNames: string[] = [];
  private readonly toolIndex = new Map<string, number>();
  private toolCounts = new Float64Array(16);
  private lastTool = '';
  private lastToolIdx = -1;
  private readonly circuits: Record<string, CircuitState> = {};

  private readonly clock: CoarseClock;
  private readonly idleTtlMs: number;
  private sinks: FastSinks | undefined;
  private readonly opts: FastOptions;

  constructor(opts: FastOptions = {}) {
    this.opts = opts;
    const initial = Math.max(2, (opts.initialClients ?? 64) + 1);
    this.cells = new Float64Array(initial * STRIDE);
    this.idleTtlMs = opts.idleTtlMs ?? 600_000;
    this.clock = new CoarseClock(opts.clockResolutionMs ?? 100);
  }

  /** Off the hot path (once per connection): the id's slot, assigned on first sight. */
  client(id: string): ClientRef {
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.nextSlot++;
      if ((slot + 1) * STRIDE > this.cells.length) this.grow(slot + 1);
      this.slotOf.set(id, slot);
    }
    this.cells[slot * STRIDE + Col.lastActivityMs] = this.clock.now;
    return { id, slot };
  }

  /** Grow by half (not double): fewer empty slots held, and copying is rare and off the hot path. */
  private grow(minSlots: number): void {
    const slots = Math.max(minSlots, Math.ceil((this.cells.length / STRIDE) * 1.5));
    const cells = new Float64Array(slots * STRIDE);
    cells.set(this.cells);
    this.cells = cells;
    if (this.flushed.length > 0) {
      const flushed = new Float64Array(slots * STRIDE);
      flushed.set(this.flushed);
      this.flushed = flushed;
    }
  }

  // ---- hot path: index arithmetic on a typed array, nothing else ----

  connectionOpened(c: ClientRef): void {
    const b = c.slot * S;
    this.cells[b + OPENED] += 1;
    this.cells[b + LAST_ACTIVITY] = this.clock.now;
  }
  connectionClosed(c: ClientRef): void {
    const b = c.slot * S;
    this.cells[b + CLOSED] += 1;
    this.cells[b + LAST_ACTIVITY] = this.clock.now;
  }
  /**
   * No activity stamp per frame: only a client with every connection closed can be reclaimed
   * (sweepIdle), and connectionClosed stamps that moment; a stamp here was a load of the coarse
   * clock and a store on every frame for nothing.
   */
  frameReceived(c: ClientRef, bytes: number): void {
    const cells = this.cells;
    const b = c.slot * S;
    cells[b + RECEIVED] += 1;
    cells[b + BYTES_RECEIVED] += bytes;
  }
  frameSent(c: ClientRef, bytes: number): void {
    const cells = this.cells;
    const b = c.slot * S;
    cells[b + SENT] += 1;
    cells[b + BYTES_SENT] += bytes;
  }
  /** Rare: the kind's index is a lookup in a small constant table. */
  error(c: ClientRef | null, kind: ErrorKind): void {
    this.cells[(c === null ? NO_CLIENT_SLOT : c.slot) * S + ERRORS] += 1;
    this.errorsByKind[KIND_INDEX[kind]] += 1;
  }
  reconnect(c: ClientRef): void { this.cells[c.slot * S + RECONNECTS] += 1; }
  dedupHit(c: ClientRef): void { this.cells[c.slot * S + DEDUP] += 1; }
  cacheHit(c: ClientRef): void { this.cells[c.slot * S + CACHE_HITS] += 1; }
  cacheMiss(c: ClientRef): void { this.cells[c.slot * S + CACHE_MISSES] += 1; }
  stageLatency(stage: StageId, us: number): void {
    this.stages[stage].record(us);
  }
  /**
   * Once per request. Tool names are a handful of constant strings: a one-entry cache compares by
   * identity first, so the Map is consulted only when the tool changes between requests.
   */
  requestDone(_c: ClientRef, tool: string, _us: number, ok: boolean): void {
    let idx = this.lastToolIdx;
    if (tool !== this.lastTool) {
      idx = this.toolSlot(tool);
      this.lastTool = tool;
      this.lastToolIdx = idx;
    }
    this.toolCounts[idx * 2 + (ok ? 0 : 1)] += 1;
  }
  circuitChange(provider: string, _from: CircuitState, to: CircuitState): void {
    this.circuits[provider] = to;
  }

  private toolSlot(tool: string): number {
    let idx = this.toolIndex.get(tool);
    if (idx === undefined) {
      idx = this.toolNames.length;
      this.toolNames.push(tool);
      this.toolIndex.set(tool, idx);
      if (idx * 2 + 2 > this.toolCounts.length) {
        const next = new Float64Array(this.toolCounts.length * 2);
        next.set(this.toolCounts);
        this.toolCounts = next;
      }
    }
    return idx;
  }

  // ---- off the hot path ----

  /** Slots in use (including the no-client slot), for bytes-per-client accounting. */
  get slotCount(): number {
    return this.nextSlot - this.freeSlots.length;
  }

  /** Live slot ids with their slot index (slot 0, the no-client slot, is excluded). */
  *liveSlots(): IterableIterator<[string, number]> {
    yield* this.slotOf;
  }

  counterTotals(): Float64Array {
    const t = Float64Array.from(this.retired);
    const cells = this.cells;
    for (let s = 0; s < this.nextSlot; s++) {
      const b = s * STRIDE;
      for (let k = 0; k < SUMMED_COLUMNS; k++) t[k] += cells[b + k];
    }
    return t;
  }

  snapshot(): MetricsSnapshot {
    const t = this.counterTotals();
    const totals = emptyCounters();
    COUNTER_NAMES.forEach((name, k) => (totals[name] = t[k]));
    const clients: Record<string, ClientCounters> = {};
    for (const [id, slot] of this.slotOf) {
      const c = emptyCounters();
      COUNTER_NAMES.forEach((name, k) => (c[name] = this.cells[slot * STRIDE + k]));
      clients[id] = c;
    }
    const latencyUs: MetricsSnapshot['latencyUs'] = {};
    STAGES.forEach((stage, i) => {
      if (this.stages[i].totalCount > 0) latencyUs[stage] = { ...summarizeHistogram(this.stages[i].toHdr()), max: this.stages[i].max };
    });
    const requests: NonNullable<MetricsSnapshot['requests']> = {};
    this.toolNames.forEach((tool, i) => (requests[tool] = { ok: this.toolCounts[i * 2], failed: this.toolCounts[i * 2 + 1] }));
    const errorsByKind: NonNullable<MetricsSnapshot['errorsByKind']> = {};
    ERROR_KINDS.forEach((kind, i) => {
      if (this.errorsByKind[i] > 0) errorsByKind[kind] = this.errorsByKind[i];
    });
    return { backend: 'fast', exact: true, totals, clients, latencyUs, requests, circuits: { ...this.circuits }, errorsByKind };
  }

  async prometheus(): Promise<string> {
    return renderPrometheus(this.snapshot());
  }

  /**
   * Reclaim slots of clients that closed every connection and were idle past the TTL, folding
   * their counts into `retired`. Only fully flushed slots go (or any, when nothing flushes),
   * so the Redis hash never loses a delta.
   */
  sweepIdle(now = this.clock.now, requireFlushed = this.sinks?.flushesRedis ?? false): number {
    let reclaimed = 0;
    for (const [id, slot] of this.slotOf) {
      const b = slot * STRIDE;
      const cells = this.cells;
      if (cells[b + Col.connectionsClosed] < cells[b + Col.connectionsOpened]) continue;
      if (now - cells[b + Col.lastActivityMs] < this.idleTtlMs) continue;
      if (requireFlushed && !this.isFlushed(slot)) continue;
      for (let k = 0; k < SUMMED_COLUMNS; k++) this.retired[k] += cells[b + k];
      cells.fill(0, b, b + STRIDE);
      if (this.flushed.length > 0) this.flushed.fill(0, b, b + STRIDE);
      this.slotOf.delete(id);
      this.freeSlots.push(slot);
      reclaimed += 1;
    }
    return reclaimed;
  }

  private isFlushed(slot: number): boolean {
    const b = slot * STRIDE;
    for (let k = 0; k < SUMMED_COLUMNS; k++) if (this.cells[b + k] !== this.flushed[b + k]) return false;
    return true;
  }

  start(sinks: MetricsSinks): void {
    if (this.sinks) return;
    if (sinks.redis) this.flushed = new Float64Array(this.cells.length);
    this.sinks = new FastSinks(this, sinks, {
      flushIntervalMs: this.opts.flushIntervalMs ?? 1000,
      rollupIntervalMs: this.opts.rollupIntervalMs ?? 60_000,
    });
    this.sinks.start();
  }

  /** Flush pending deltas to Redis now (tests, shutdown). Resolves false when there is no Redis. */
  async flushNow(): Promise<boolean> {
    return this.sinks ? this.sinks.flushRedis() : false;
  }

  async close(): Promise<void> {
    this.clock.stop();
    if (this.sinks) await this.sinks.stop();
  }
}
