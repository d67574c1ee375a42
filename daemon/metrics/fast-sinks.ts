import type { Redis } from 'ioredis';
import type { SupabaseClient } from '@supabase/supabase-js';
import { COLUMN_NAMES, STRIDE, SUMMED_COLUMNS } from './fast-layout.ts';
import type { FlushSource } from './fast-flush-source.ts';
import {
  clientField, INDEX_KEY, INSTANCE_TTL_SEC, instanceKey, latencyKey, totalField,
} from './redis-keys.ts';
import { STAGES, type MetricsSinks } from './types.ts';

/**
 * One flush, one command: every counter delta (HINCRBY per changed field), the changed latency
 * histograms, the keys' TTL and the instance in the index, in one EVAL. Measured with ioredis and
 * redis-server (harness/tight/flush-bench.ts; README, "What `fast` costs off the hot path"), the
 * MULTI of one command per field cost ~10 us of the daemon's CPU per changed field (a command
 * object, a promise and a QUEUED reply each); one EVAL's arguments ~1 us per field. A script runs
 * atomically, as the MULTI did; a wrong-typed instance key fails its first HINCRBY, before
 * anything is written.
 * KEYS: instance hash, latency hash, index. ARGV: ttl, instance id, index entry, n, then n
 * (field, delta) pairs, then (stage, histogram) pairs.
 */
const FLUSH_SCRIPT = `
local n = tonumber(ARGV[4])
local last = 4 + 2 * n
for i = 5, last, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
for i = last + 1, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
return n`;

/** With nothing to send, a flush still refreshes the TTLs and the index entry this often. */
const HEARTBEAT_MS = 60_000;

/**
 * The fast backend's timers, off the hot path:
 * - every flushIntervalMs, counter deltas since the last flush go to Redis in one EVAL
 *   (FLUSH_SCRIPT); the flushed copy advances only when Redis acknowledged, so a failed flush is
 *   retried, never lost or doubled; a flush with nothing new sends nothing (but a heartbeat);
 * - every rollupIntervalMs, one row into Supabase `metrics_rollups` with the window's deltas;
 * - idle client slots are swept after a flush.
 * A failing sink logs one line on stderr when it starts failing and one when it recovers.
 */
export class FastSinks {
  private flushTimer: NodeJS.Timeout | undefined;
  private rollupTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<boolean> | undefined;
  private readonly redis: Redis | undefined;
  private readonly supabase: SupabaseClient | undefined;
  private rollupBase: Float64Array;
  private windowStart = new Date();
  private failing = { redis: false, supabase: false };
  /** Each stage histogram's count at the last flush Redis acknowledged. */
  private stageCounts: number[] = STAGES.map(() => 0);
  /** When Redis last acknowledged a flush (0: never). */
  private lastFlushMs = 0;

  constructor(
    private readonly metrics: FlushSource,
    private readonly sinks: MetricsSinks,
    private readonly opts: { flushIntervalMs: number; rollupIntervalMs: number },
  ) {
    this.redis = sinks.redis as Redis | undefined;
    this.supabase = sinks.supabase as SupabaseClient | undefined;
    this.rollupBase = metrics.counterTotals();
  }

  get flushesRedis(): boolean {
    return this.redis !== undefined;
  }

  start(): void {
    this.flushTimer = setInterval(() => {
      void this.flushRedis().then(() => this.metrics.sweepIdle());
    }, this.opts.flushIntervalMs);
    this.flushTimer.unref();
    if (this.supabase) {
      this.rollupTimer = setInterval(() => void this.rollup(), this.opts.rollupIntervalMs);
      this.rollupTimer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.rollupTimer) clearInterval(this.rollupTimer);
    this.flushTimer = this.rollupTimer = undefined;
    await this.flushRedis();
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
    m.settle();
    const cells = m.cells;
    const flushed = m.flushed;
    // the script's arguments: (field, delta) pairs, then (stage, histogram) pairs
    const args: (string | number)[] = [];
    const totals = new Float64Array(SUMMED_COLUMNS);
    // (index into flushed, delta) pairs, applied once Redis has them
    const advanced: number[] = [];
    const slots: [string | null, number][] = [[null, 0], ...m.liveSlots()];
    for (const [id, slot] of slots) {
      const b = slot * STRIDE;
      for (let k = 0; k < SUMMED_COLUMNS; k++) {
        const delta = cells[b + k] - flushed[b + k];
        if (delta === 0) continue;
        totals[k] += delta;
        advanced.push(b + k, delta);
        if (id !== null) args.push(clientField(id, COLUMN_NAMES[k]), delta);
      }
    }
    for (let k = 0; k < SUMMED_COLUMNS; k++) if (totals[k] !== 0) args.push(totalField(COLUMN_NAMES[k]), totals[k]);
    const pairs = args.length / 2;
    // a histogram is re-encoded only when it recorded something since the last flush
    const counts = m.stages.map((h) => h.totalCount);
    STAGES.forEach((stage, i) => {
      if (counts[i] !== this.stageCounts[i]) args.push(stage, m.stages[i].encode());
    });
    const now = Date.now();
    if (args.length === 0 && now - this.lastFlushMs < HEARTBEAT_MS) return true;
    const id = this.sinks.instanceId;
    try {
      await redis.call('EVAL', [FLUSH_SCRIPT, 3, instanceKey(id), latencyKey(id), INDEX_KEY, INSTANCE_TTL_SEC, id, JSON.stringify({ backend: m.name, lastFlushMs: now }), pairs, ...args]);
      // counts only grow meanwhile, so advancing by exactly what was sent is right
      for (let i = 0; i < advanced.length; i += 2) m.flushed[advanced[i]] += advanced[i + 1];
      this.stageCounts = counts;
      this.lastFlushMs = now;
      this.recovered('redis');
      return true;
    } catch (err) {
      this.failed('redis', err);
      return false;
    }
  }

  private async rollup(): Promise<void> {
    if (!this.supabase) return;
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
      latency: this.metrics.snapshot().latencyUs,
    };
    const { error } = await this.supabase.from('metrics_rollups').insert(row);
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

