import type { Redis } from 'ioredis';
import type { SupabaseClient } from '@supabase/supabase-js';
import { COLUMN_NAMES, STRIDE, SUMMED_COLUMNS } from './fast-layout.ts';
import type { FlushSource } from './fast-flush-source.ts';
import { LogHistogram } from './log-histogram.ts';
import {
  clientField, INDEX_KEY, INSTANCE_TTL_SEC, instanceKey, latencyKey, totalField,
} from './redis-keys.ts';
import { TimerCpu } from './timer-cpu.ts';
import { STAGES, type MetricsSinks } from './types.ts';

/**
 * One flush, one command: every counter delta (HINCRBY per changed field), the latency buckets that
 * grew (HINCRBY per bucket, LogHistogram.changesSince), the keys' TTL and the instance in the
 * index, in one EVAL. Measured with ioredis and redis-server (harness/tight/flush-bench.ts;
 * README, "What `fast` costs off the hot path"), the MULTI of one command per field cost ~10 us of
 * the daemon's CPU per changed field (a command object, a promise and a QUEUED reply each), and
 * one EVAL's arguments still ~1 us each (ioredis converts, measures and writes every one). So the
 * many small values travel packed, a line per client and a string per stage, and the script
 * unpacks them (Redis's CPU, not the daemon's). A script runs atomically, as the MULTI did; a
 * wrong-typed instance key fails its first HINCRBY, before anything is written.
 * KEYS: instance hash, latency hash, index.
 * ARGV: ttl, instance id, index entry, n, then n (field, delta) pairs (the totals, and clients
 * whose id a line cannot carry), the summed columns' names ("a,b,..."), the clients' lines
 * ("<id>\t<delta>,<delta>,...\n", a delta per column, '' for none), then (stage, max,
 * "<index>:<delta>,...") triples. The fields are redis-keys.ts's: `c:<id>:<column>` counts, and
 * `<stage>:<index>` and `<stage>:max` for latency.
 */
const FLUSH_SCRIPT = `
local n = tonumber(ARGV[4])
local last = 4 + 2 * n
for i = 5, last, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
local columns = {}
for column in string.gmatch(ARGV[last + 1], '[^,]+') do columns[#columns + 1] = column end
for id, deltas in string.gmatch(ARGV[last + 2], '([^\\t\\n]+)\\t([^\\n]*)\\n') do
  local k = 0
  for delta in string.gmatch(deltas, '([^,]*),') do
    k = k + 1
    if delta ~= '' then redis.call('HINCRBY', KEYS[1], 'c:' .. id .. ':' .. columns[k], delta) end
  end
end
for i = last + 3, #ARGV, 3 do
  local stage = ARGV[i]
  for index, delta in string.gmatch(ARGV[i + 2], '(%d+):(%d+)') do
    redis.call('HINCRBY', KEYS[2], stage .. ':' .. index, delta)
  end
  local maxField = stage .. ':max'
  if tonumber(ARGV[i + 1]) > tonumber(redis.call('HGET', KEYS[2], maxField) or '-1') then
    redis.call('HSET', KEYS[2], maxField, ARGV[i + 1])
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
return n`;

const SUMMED_NAMES = COLUMN_NAMES.slice(0, SUMMED_COLUMNS).join(',');
/** Ids a client line can carry (the daemon's are [A-Za-z0-9_-]); others go as (field, delta) pairs. */
const LINE_SAFE_ID = /^[^\t\n]+$/;

/**
 * The first flush comes this soon after start (or at the flush interval, if shorter), then every
 * interval. Why not at a longer interval: the flush is the process's first read on its socket's
 * kind (ioredis's), and Node's stream functions (onStreamRead, addChunk...) serve every WebSocket
 * too; met after V8 has optimized them for the WebSockets alone (7-9 s into hot-path-open's load),
 * that read deoptimizes them for ~6 s: a first flush at 10 s read +4.1% and +7.3% of hot-path-open's
 * CPU per request, at 2 s -0.1% and +0.7% (`realistic --scenario <copy> --profile ci --seed 2721`,
 * `2722`). Why not sooner: a first flush at 1 s read about a point more than at 5 s at the default
 * interval (`--seed 2751`-`2753`), a lean kept out. Runs and traces: NOTEBOOK.md, "twenty-third
 * session". The roll-up keeps its first at its interval (60 s).
 */
export const FIRST_FLUSH_MS = 5000;

/** With nothing to send, a flush still refreshes the TTLs and the index entry this often. */
const HEARTBEAT_MS = 60_000;
/**
 * How often idle client slots are swept (FlushSource.sweepIdle walks every client): a slot idle
 * past the TTL (10 min by default) is reclaimed within a minute more, and a flush walks only the
 * clients that changed.
 */
const SWEEP_EVERY_MS = 60_000;

/**
 * The fast backend's timers, off the hot path (the first flush at FIRST_FLUSH_MS):
 * - every flushIntervalMs, counter deltas since the last flush go to Redis in one EVAL
 *   (FLUSH_SCRIPT); the flushed copy advances only when Redis acknowledged, so a failed flush is
 *   retried, never lost or doubled; a flush with nothing new sends nothing (but a heartbeat);
 * - every rollupIntervalMs, one row into Supabase `metrics_rollups` with the window's deltas;
 * - every SWEEP_EVERY_MS, idle client slots are swept.
 * A failing sink logs one line on stderr when it starts failing and one when it recovers.
 */
export class FastSinks {
  /** Each timer's stop (repeat()); empty until start() and after stop(). */
  private timers: (() => void)[] = [];
  private flushing: Promise<boolean> | undefined;
  /** The roll-up in flight: a period that comes while an insert is still out is skipped, the next row covers it. */
  private rollingUp: Promise<void> | undefined;
  private readonly redis: Redis | undefined;
  private readonly supabase: SupabaseClient | undefined;
  private rollupBase: Float64Array;
  private windowStart = new Date();
  private failing = { redis: false, supabase: false };
  /** Each stage histogram's buckets as Redis holds them (allocated with a Redis sink). */
  private readonly stageBase: number[][];
  /** When Redis last acknowledged a flush (0: never). */
  private lastFlushMs = 0;
  /** CPU of the flushes, roll-ups and sweeps (MetricsBackend.timerCpuUs). */
  private readonly timerCpu = new TimerCpu();

  constructor(
    private readonly metrics: FlushSource,
    private readonly sinks: MetricsSinks,
    private readonly opts: { flushIntervalMs: number; rollupIntervalMs: number; firstFlushMs?: number },
  ) {
    this.redis = sinks.redis as Redis | undefined;
    this.supabase = sinks.supabase as SupabaseClient | undefined;
    this.rollupBase = metrics.counterTotals();
    this.stageBase = this.redis ? STAGES.map(() => LogHistogram.emptyCounts()) : [];
  }

  get flushesRedis(): boolean {
    return this.redis !== undefined;
  }

  /**
   * CPU (us) of the flushes, roll-ups and idle sweeps so far, their synchronous parts (timer-cpu.ts;
   * the metering itself adds ~10 us per flush, ~3% of one). Measured this way in hot-path-open, a
   * flush took 280-320 us of the daemon's CPU, ~0.4% of its CPU per request at one flush a second
   * (NOTEBOOK.md, "twelfth session"): far more than the metrics calls on the hot path.
   */
  get cpuUs(): number {
    return this.timerCpu.totalUs;
  }

  start(): void {
    const { flushIntervalMs, rollupIntervalMs } = this.opts;
    const firstMs = Math.min(this.opts.firstFlushMs ?? FIRST_FLUSH_MS, flushIntervalMs);
    this.timers.push(repeat(() => void this.flushRedis(), firstMs, flushIntervalMs));
    // No need to wait for a flush in flight: a slot whose deltas it carries is not flushed yet, and sweepIdle keeps it.
    this.timers.push(repeat(() => this.timerCpu.run(() => this.metrics.sweepIdle()), SWEEP_EVERY_MS, SWEEP_EVERY_MS));
    if (this.supabase) {
      const rollup = () => void (this.rollingUp ??= this.rollup().finally(() => (this.rollingUp = undefined)));
      this.timers.push(repeat(rollup, rollupIntervalMs, rollupIntervalMs));
    }
  }

  async stop(): Promise<void> {
    for (const stopTimer of this.timers) stopTimer();
    this.timers = [];
    await this.flushRedis();
    await this.rollingUp;
    await this.rollup();
  }

  /** One flush at a time; a caller during a flush waits for it and then flushes what is left. */
  async flushRedis(): Promise<boolean> {
    if (!this.redis) return false;
    while (this.flushing) await this.flushing;
    this.flushing = this.flushOnce().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async flushOnce(): Promise<boolean> {
    const redis = this.redis!;
    const m = this.metrics;
    const from = process.cpuUsage();
    m.settle();
    const counters = counterDeltas(m);
    const latency = latencyDeltas(m.stages, this.stageBase);
    const now = Date.now();
    if (counters.advanced.length === 0 && latency.args.length === 0 && now - this.lastFlushMs < HEARTBEAT_MS) {
      this.timerCpu.charge(from);
      return true;
    }
    const id = this.sinks.instanceId;
    try {
      const reply = redis.call('EVAL', [FLUSH_SCRIPT, 3, instanceKey(id), latencyKey(id), INDEX_KEY, INSTANCE_TTL_SEC, id, JSON.stringify({ backend: m.name, lastFlushMs: now }), counters.pairs.length / 2, ...counters.pairs, SUMMED_NAMES, counters.lines, ...latency.args]);
      this.timerCpu.charge(from);
      await reply;
      const acknowledged = process.cpuUsage();
      // counts only grow meanwhile, so advancing by exactly what was sent is right
      const { advanced } = counters;
      for (let i = 0; i < advanced.length; i += 2) m.flushed[advanced[i]] += advanced[i + 1];
      latency.sent.forEach((sent, s) => {
        const base = this.stageBase[s];
        for (let i = 0; i < sent.length; i += 2) base[sent[i]] += sent[i + 1];
      });
      this.lastFlushMs = now;
      this.recovered('redis');
      this.timerCpu.charge(acknowledged);
      return true;
    } catch (err) {
      m.restoreChangedSlots(counters.slots); // their deltas go with the next flush
      this.failed('redis', err);
      return false;
    }
  }

  private async rollup(): Promise<void> {
    if (!this.supabase) return;
    const from = process.cpuUsage();
    const now = this.metrics.counterTotals();
    const base = this.rollupBase;
    const counters: Record<string, number> = {};
    COLUMN_NAMES.forEach((name, k) => (counters[name] = now[k] - base[k]));
    const windowEnd = new Date();
    const row = {
      instance_id: this.sinks.instanceId,
      window_start: this.windowStart.toISOString(),
      window_end: windowEnd.toISOString(),
      backend: this.metrics.name,
      counters,
      latency: this.metrics.latencyUs(),
    };
    const inserted = this.supabase.from('metrics_rollups').insert(row);
    this.timerCpu.charge(from);
    const { error } = await inserted;
    if (error) {
      this.failed('supabase', error);
      return; // the window stays open and the next roll-up covers it
    }
    this.recovered('supabase');
    this.rollupBase = now;
    this.windowStart = windowEnd;
  }

  private failed(sink: 'redis' | 'supabase', err: unknown): void {
    if (this.failing[sink]) return;
    this.failing[sink] = true;
    const message = err instanceof Error ? err.message : String((err as { message?: string })?.message ?? err);
    process.stderr.write(`metrics(fast): ${sink} sink failing: ${message}\n`);
  }

  private recovered(sink: 'redis' | 'supabase'): void {
    if (!this.failing[sink]) return;
    this.failing[sink] = false;
    process.stderr.write(`metrics(fast): ${sink} sink recovered\n`);
  }
}


/**
 * The counter deltas since the last flush Redis acknowledged, as the script takes them: (field,
 * delta) pairs for the totals and for clients whose id a line cannot carry, a line per other
 * changed client; (index into `flushed`, delta) pairs to advance `flushed` by once it has them;
 * and the changed slots it took (FlushSource.takeChangedSlots), to hand back if the flush fails.
 * Written for the interpreter: it runs once a flush, too rarely for V8 to optimize it within a
 * benchmark's minute (metered in a daemon: ~90-100 us a flush for 8 clients at first, ~45 us once
 * optimized; NOTEBOOK.md, "thirteenth session"), so one pass per changed slot, and none for a
 * client that did nothing since the last flush.
 */
function counterDeltas(m: FlushSource): { pairs: (string | number)[]; lines: string; advanced: number[]; slots: number[] } {
  const pairs: (string | number)[] = [];
  const advanced: number[] = [];
  const totals: number[] = Array(SUMMED_COLUMNS).fill(0);
  let lines = '';
  slotDeltas(m, 0, totals, advanced); // events before a client is known count in the totals only
  const slots = m.takeChangedSlots();
  for (const slot of slots) {
    const from = advanced.length;
    const line = slotDeltas(m, slot, totals, advanced);
    if (advanced.length === from) continue;
    const id = m.clientId(slot);
    if (LINE_SAFE_ID.test(id)) lines += `${id}\t${line}\n`;
    else for (let j = from; j < advanced.length; j += 2) pairs.push(clientField(id, COLUMN_NAMES[advanced[j] - slot * STRIDE]), advanced[j + 1]);
  }
  for (let k = 0; k < SUMMED_COLUMNS; k++) if (totals[k] !== 0) pairs.push(totalField(COLUMN_NAMES[k]), totals[k]);
  return { pairs, lines, advanced, slots };
}

/**
 * One slot's deltas: added to `totals`, pushed on `advanced` as (index, delta), and returned as the
 * slot's line of the script's ARGV, a delta per column ('' where it did not change), each with a comma.
 */
function slotDeltas(m: FlushSource, slot: number, totals: number[], advanced: number[]): string {
  const { cells, flushed } = m;
  const b = slot * STRIDE;
  let line = '';
  for (let k = 0; k < SUMMED_COLUMNS; k++) {
    const delta = cells[b + k] - flushed[b + k];
    if (delta !== 0) {
      totals[k] += delta;
      advanced.push(b + k, delta);
      line += delta;
    }
    line += ',';
  }
  return line;
}

/**
 * The latency buckets that grew since `bases` (what Redis holds), as the script's (stage, max,
 * buckets) triples, and per stage the (bucket index, delta) pairs to advance `bases` by.
 */
function latencyDeltas(stages: readonly LogHistogram[], bases: number[][]): { args: (string | number)[]; sent: number[][] } {
  const args: (string | number)[] = [];
  const sent = STAGES.map(() => [] as number[]);
  STAGES.forEach((stage, i) => {
    const changes = stages[i].changesSince(bases[i], sent[i]);
    if (changes !== '') args.push(stage, stages[i].max, changes);
  });
  return { args, sent };
}

/** `fn` after `firstMs`, then every `intervalMs`, neither keeping the process alive; returns its stop. */
function repeat(fn: () => void, firstMs: number, intervalMs: number): () => void {
  let timer = setTimeout(() => {
    timer = setInterval(fn, intervalMs).unref();
    fn();
  }, firstMs).unref();
  return () => clearTimeout(timer); // Node clears an interval by either call
}
