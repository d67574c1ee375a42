import { COUNTER_NAMES } from './counter-names.ts';
import { FastClient, ToolTally } from './fast-client.ts';
import { Col, STRIDE, SUMMED_COLUMNS } from './fast-layout.ts';
import { FastSinks } from './fast-sinks.ts';
import type { FlushSource } from './fast-flush-source.ts';
import { LogHistogram } from './log-histogram.ts';
import { renderPrometheus } from './render-prometheus.ts';
import {
  emptyCounters, ERROR_KINDS, FAST_FLUSH_MS, FAST_ROLLUP_MS, STAGES,
  type BackendName, type CircuitState, type ClientCounters, type ClientRef, type ErrorKind,
  type MetricsBackend, type MetricsSinks, type MetricsSnapshot, type StageId,
} from './types.ts';

/**
 * Our design. Exact counts, and on the hot path (frame received/sent, cache, dedup, stage
 * latency) no allocation, no string-keyed lookup and no clock read:
 * - client(id) (once per connection) assigns a slot and its ref (fast-client.ts); a frame
 *   received or sent adds to two integer fields of the ref, a request to its tool's tally, and
 *   `settle()` folds both into `cells` and `toolCounts` before anything reads them; rarer events
 *   are `cells[slot*STRIDE+k] += 1`;
 * - last activity (for reclaiming idle slots) is stamped at connection open and close only
 *   (Date.now(), once per connection): no per-frame clock read or stamp, and no timer. The
 *   100 ms timer of a coarse clock cost 1.5-1.9 ms of CPU per second in an idle process on the
 *   2-core machine (each tick wakes the event loop; README, "What `fast` costs off the hot
 *   path"): up to 2% of the daemon's CPU at hot-path-open's 800 requests/s;
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
  /** When the first Redis flush comes (fast-sinks.ts, FIRST_FLUSH_MS; at most the flush interval). */
  firstFlushMs?: number;
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
/** `marks` bits (FastMetrics.changed says what they mean). */
const TOUCHED = 1;
const LISTED = 2;
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
  /** The ref of each slot (index = slot; none for the no-client slot 0), kept when the slot is reclaimed. */
  private readonly refs: FastClient[] = [];
  private readonly freeSlots: number[] = [];
  private nextSlot = NO_CLIENT_SLOT + 1;
  /**
   * Client slots whose summed columns changed since the Redis flush last took them
   * (takeChangedSlots): a flush walks these, not every connected client. With 1,000 idle clients
   * beside 8 busy ones, walking them all cost a flush ~1.6 ms of CPU before it sent anything
   * (harness/tight/flush-bench.ts --idle 1000; README, "What `fast` costs off the hot path").
   * Per slot, in `marks`: TOUCHED, a rarer event wrote its cells (the per-frame counts live on its
   * ref, which settle() reads); LISTED, it is in `changed`. A byte per slot, not a field on the
   * ref: the ref stays at four fields, and a client at <= 256 bytes.
   */
  private changed: number[] = [];
  private marks: Uint8Array;

  readonly stages: LogHistogram[] = STAGES.map(() => new LogHistogram());
  readonly errorsByKind = new Float64Array(ERROR_KINDS.length);
  private toolNames: string[] = [];
  private readonly toolIndex = new Map<string, number>();
  private toolCounts = new Float64Array(16);
  /** Per tool, in toolNames order: requests since the last settle(). */
  private readonly tallies: ToolTally[] = [];
  /** null until the first request: no tool name (not even '') matches it. */
  private lastTool: string | null = null;
  private lastTally = new ToolTally();
  private readonly circuits: Record<string, CircuitState> = {};

  private readonly idleTtlMs: number;
  private sinks: FastSinks | undefined;
  private readonly opts: FastOptions;

  constructor(opts: FastOptions = {}) {
    this.opts = opts;
    const initial = Math.max(2, (opts.initialClients ?? 64) + 1);
    this.cells = new Float64Array(initial * STRIDE);
    this.marks = new Uint8Array(initial);
    this.idleTtlMs = opts.idleTtlMs ?? 600_000;
  }

  /** Off the hot path (once per connection): the id's slot, assigned on first sight. */
  client(id: string): ClientRef {
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.nextSlot++;
      if ((slot + 1) * STRIDE > this.cells.length) this.grow(slot + 1);
      this.slotOf.set(id, slot);
    }
    let ref = this.refs[slot];
    if (ref === undefined) this.refs[slot] = ref = new FastClient(id, slot);
    else ref.id = id;
    this.cells[slot * STRIDE + Col.lastActivityMs] = Date.now();
    return ref;
  }

  /** Grow by half (not double): fewer empty slots held, and copying is rare and off the hot path. */
  private grow(minSlots: number): void {
    const slots = Math.max(minSlots, Math.ceil((this.cells.length / STRIDE) * 1.5));
    const cells = new Float64Array(slots * STRIDE);
    cells.set(this.cells);
    this.cells = cells;
    const marks = new Uint8Array(slots);
    marks.set(this.marks);
    this.marks = marks;
    if (this.flushed.length > 0) {
      const flushed = new Float64Array(slots * STRIDE);
      flushed.set(this.flushed);
      this.flushed = flushed;
    }
  }

  // ---- hot path: an increment of a ref's field or of a typed-array cell, nothing else ----

  connectionOpened(c: ClientRef): void {
    this.countRare(c, OPENED);
    this.cells[c.slot * S + LAST_ACTIVITY] = Date.now();
  }
  connectionClosed(c: ClientRef): void {
    this.countRare(c, CLOSED);
    this.cells[c.slot * S + LAST_ACTIVITY] = Date.now();
  }
  /**
   * No activity stamp per frame: only a client with every connection closed can be reclaimed
   * (sweepIdle), and connectionClosed stamps that moment; a stamp here was a clock read and a
   * store on every frame for nothing.
   * No local alias of the ref either (`const f = c as FastClient`): its Mov made each method 29
   * bytes of bytecode, past V8's 27-byte line for always inlining a small function. With it, `fast`
   * cost +2.7% CPU per request in hot-path-open; at 26 bytes, +1.1% (8 seeds each; requestDone at
   * 13 to 43 bytes made no difference). fast-bytecode.test.ts holds the line.
   */
  frameReceived(c: ClientRef, bytes: number): void {
    (c as FastClient).received++;
    (c as FastClient).bytesReceived += bytes;
  }
  frameSent(c: ClientRef, bytes: number): void {
    (c as FastClient).sent++;
    (c as FastClient).bytesSent += bytes;
  }
  /** Rare: the kind's index is a lookup in a small constant table; slot 0 (no client) is always walked. */
  error(c: ClientRef | null, kind: ErrorKind): void {
    if (c === null) this.cells[NO_CLIENT_SLOT * S + ERRORS] += 1;
    else this.countRare(c, ERRORS);
    this.errorsByKind[KIND_INDEX[kind]] += 1;
  }
  reconnect(c: ClientRef): void { this.countRare(c, RECONNECTS); }
  dedupHit(c: ClientRef): void { this.countRare(c, DEDUP); }
  cacheHit(c: ClientRef): void { this.countRare(c, CACHE_HITS); }
  cacheMiss(c: ClientRef): void { this.countRare(c, CACHE_MISSES); }
  /** A rarer event: one more in its cell, and its slot marked TOUCHED for settle() (the per-frame counts live on the ref). */
  private countRare(c: ClientRef, column: number): void {
    this.cells[c.slot * S + column] += 1;
    this.marks[c.slot] |= TOUCHED;
  }
  stageLatency(stage: StageId, us: number): void {
    this.stages[stage].record(us);
  }
  /**
   * Once per request. Tool names are a handful of constant strings: a one-entry cache compares by
   * identity, and a change of tool (or a failure) takes the rare path, which consults the Map. Kept
   * small on purpose (43 bytes of bytecode, 73 with the rare path inline): TurboFan inlines it into
   * the daemon's call handling, whose inlining budget it shares (NOTEBOOK.md, "bench:tight, third and fourth sessions").
   */
  requestDone(_c: ClientRef, tool: string, _us: number, ok: boolean): void {
    if (tool === this.lastTool && ok) this.lastTally.ok++;
    else this.requestDoneRarely(tool, ok);
  }
  private requestDoneRarely(tool: string, ok: boolean): void {
    const t = this.tallies[this.toolSlot(tool)];
    this.lastTool = tool;
    this.lastTally = t;
    if (ok) t.ok++;
    else t.failed++;
  }
  circuitChange(provider: string, _from: CircuitState, to: CircuitState): void {
    this.circuits[provider] = to;
  }

  private toolSlot(tool: string): number {
    let idx = this.toolIndex.get(tool);
    if (idx === undefined) {
      idx = this.toolNames.length;
      this.toolNames.push(tool);
      this.tallies.push(new ToolTally());
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

  /**
   * The client slots that changed since the last call (settle() first: it finds them), each once,
   * and forget them: the Redis flush walks these. A flush that failed hands them back
   * (restoreChangedSlots), so that the next one sends their deltas.
   */
  takeChangedSlots(): number[] {
    const taken = this.changed;
    this.changed = [];
    for (const s of taken) this.marks[s] = 0;
    return taken;
  }
  restoreChangedSlots(slots: readonly number[]): void {
    for (const s of slots) this.markChanged(s);
  }
  /** The id of the client a slot serves. */
  clientId(slot: number): string {
    return this.refs[slot].id;
  }
  private markChanged(slot: number): void {
    if ((this.marks[slot] & LISTED) !== 0) return;
    this.marks[slot] = LISTED;
    this.changed.push(slot);
  }

  /**
   * Folds what the hot path counted on the refs and tallies into `cells` and `toolCounts`, and notes
   * each slot that changed (takeChangedSlots). Every reader of those calls it first:
   * counterTotals() does (and snapshot() starts with it), so do sweepIdle() and the sinks' flush.
   */
  settle(): void {
    const cells = this.cells;
    const refs = this.refs;
    for (let s = NO_CLIENT_SLOT + 1; s < refs.length; s++) {
      const r = refs[s];
      if (r === undefined) continue;
      if (this.marks[s] === TOUCHED) this.markChanged(s);
      if (r.received === 0 && r.sent === 0 && r.bytesReceived === 0 && r.bytesSent === 0) continue;
      this.markChanged(s);
      const b = s * STRIDE;
      cells[b + RECEIVED] += r.received;
      cells[b + BYTES_RECEIVED] += r.bytesReceived;
      cells[b + SENT] += r.sent;
      cells[b + BYTES_SENT] += r.bytesSent;
      r.received = r.bytesReceived = r.sent = r.bytesSent = 0;
    }
    this.tallies.forEach((t, i) => {
      this.toolCounts[i * 2] += t.ok;
      this.toolCounts[i * 2 + 1] += t.failed;
      t.ok = t.failed = 0;
    });
  }

  /** Every summed column over all slots, retired ones included (settled first). */
  counterTotals(): Float64Array {
    this.settle();
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
    const latencyUs = this.latencyUs();
    const requests: NonNullable<MetricsSnapshot['requests']> = {};
    this.toolNames.forEach((tool, i) => (requests[tool] = { ok: this.toolCounts[i * 2], failed: this.toolCounts[i * 2 + 1] }));
    const errorsByKind: NonNullable<MetricsSnapshot['errorsByKind']> = {};
    ERROR_KINDS.forEach((kind, i) => {
      if (this.errorsByKind[i] > 0) errorsByKind[kind] = this.errorsByKind[i];
    });
    return { backend: 'fast', exact: true, totals, clients, latencyUs, requests, circuits: { ...this.circuits }, errorsByKind };
  }

  /** Each stage that recorded anything, summarized (the snapshot's and the Supabase roll-up's latency). */
  latencyUs(): MetricsSnapshot['latencyUs'] {
    const latencyUs: MetricsSnapshot['latencyUs'] = {};
    STAGES.forEach((stage, i) => {
      const summary = this.stages[i].summary();
      if (summary.count > 0) latencyUs[stage] = summary;
    });
    return latencyUs;
  }

  async prometheus(): Promise<string> {
    return renderPrometheus(this.snapshot());
  }

  /**
   * Reclaim slots of clients that closed every connection and were idle past the TTL, folding
   * their counts into `retired`. Only fully flushed slots go (or any, when nothing flushes),
   * so the Redis hash never loses a delta.
   */
  sweepIdle(now = Date.now(), requireFlushed = this.sinks?.flushesRedis ?? false): number {
    this.settle();
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
      flushIntervalMs: this.opts.flushIntervalMs ?? FAST_FLUSH_MS,
      rollupIntervalMs: this.opts.rollupIntervalMs ?? FAST_ROLLUP_MS,
      firstFlushMs: this.opts.firstFlushMs,
    });
    this.sinks.start();
  }

  /** MetricsBackend.timerCpuUs: the flushes', roll-ups' and idle sweeps' CPU (fast-sinks.ts). */
  timerCpuUs(): number {
    return this.sinks?.cpuUs ?? 0;
  }

  /** Flush pending deltas to Redis now (tests, shutdown). Resolves false when there is no Redis. */
  async flushNow(): Promise<boolean> {
    return this.sinks ? this.sinks.flushRedis() : false;
  }

  async close(): Promise<void> {
    if (this.sinks) await this.sinks.stop();
  }
}
