import type { Redis } from 'ioredis';
import type { SupabaseClient } from '@supabase/supabase-js';
import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { COLUMN_NAMES, STRIDE, SUMMED_COLUMNS } from './fast-layout.ts';
import type { FlushSource } from './fast-flush-source.ts';
import {
  clientField, INDEX_KEY, INSTANCE_TTL_SEC, instanceKey, latencyKey, totalField,
} from './redis-keys.ts';
import { STAGES, type MetricsSinks } from './types.ts';

/**
 * The fast backend's timers, off the hot path:
 * - every flushIntervalMs, counter deltas since the last flush go to Redis in one MULTI
 *   (HINCRBY per changed field, the latency histograms, the instance in the index); the flushed
 *   copy advances only when Redis acknowledged, so a failed flush is retried, never lost or doubled;
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
    const cells = m.cells;
    const flushed = m.flushed;
    const key = instanceKey(this.sinks.instanceId);
    const tx = redis.multi();
    const totals = new Float64Array(SUMMED_COLUMNS);
    const advanced: [index: number, delta: number][] = [];
    const slots: [string | null, number][] = [[null, 0], ...m.liveSlots()];
    for (const [id, slot] of slots) {
      const b = slot * STRIDE;
      for (let k = 0; k < SUMMED_COLUMNS; k++) {
        const delta = cells[b + k] - flushed[b + k];
        if (delta === 0) continue;
        totals[k] += delta;
        advanced.push([b + k, delta]);
        if (id !== null) tx.hincrby(key, clientField(id, COLUMN_NAMES[k]), delta);
      }
    }
    for (let k = 0; k < SUMMED_COLUMNS; k++) if (totals[k] !== 0) tx.hincrby(key, totalField(COLUMN_NAMES[k]), totals[k]);
    const latency: string[] = [];
    STAGES.forEach((stage, i) => {
      if (m.stages[i].totalCount > 0) latency.push(stage, encodeIntoCompressedBase64(m.stages[i].toHdr()));
    });
    if (latency.length > 0) tx.hset(latencyKey(this.sinks.instanceId), ...latency).expire(latencyKey(this.sinks.instanceId), INSTANCE_TTL_SEC);
    tx.expire(key, INSTANCE_TTL_SEC);
    tx.hset(INDEX_KEY, this.sinks.instanceId, JSON.stringify({ backend: m.name, lastFlushMs: Date.now() }));
    try {
      const replies = await tx.exec();
      const failed = replies?.find(([err]) => err);
      if (!replies || failed) throw failed?.[0] ?? new Error('MULTI aborted');
      // counts only grow meanwhile, so advancing by exactly what was sent is right
      for (const [idx, delta] of advanced) m.flushed[idx] += delta;
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

