import type { Redis } from 'ioredis';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { COUNTER_NAMES, type CounterName } from './counter-names.ts';
import { LogHistogram } from './log-histogram.ts';
import { INDEX_KEY, instanceKey, latencyKey, parseField, parseLatencyField } from './redis-keys.ts';
import { emptyCounters, STAGES, type ClientCounters, type MetricsSnapshot, type Stage } from './types.ts';

const COUNTER_SET = new Set<string>(COUNTER_NAMES);

/**
 * `/metrics.json?scope=cluster`: the sum of every daemon instance that flushed to this Redis
 * (fast backend, fast-sinks.ts). Counters are summed; latency histograms are merged, never
 * averaged. One round trip for the index, one pipelined round trip for all instances.
 */
export async function readClusterSnapshot(redis: Redis): Promise<MetricsSnapshot> {
  const instances = Object.keys(await redis.hgetall(INDEX_KEY)).sort();
  const pipe = redis.pipeline();
  for (const id of instances) pipe.hgetall(instanceKey(id)).hgetall(latencyKey(id));
  const replies = instances.length > 0 ? ((await pipe.exec()) ?? []) : [];

  const totals = emptyCounters();
  const clients: Record<string, ClientCounters> = {};
  const merged = new Map<Stage, LogHistogram>();
  const present: string[] = [];
  instances.forEach((id, i) => {
    const [errC, counters] = replies[i * 2] ?? [];
    const [errL, latency] = replies[i * 2 + 1] ?? [];
    if (errC || errL) throw errC ?? errL;
    const fields = counters as Record<string, string>;
    if (Object.keys(fields).length === 0) return; // expired instance
    present.push(id);
    for (const [field, raw] of Object.entries(fields)) {
      const f = parseField(field);
      if (!f || !COUNTER_SET.has(f.column)) continue;
      const value = Number(raw);
      const column = f.column as CounterName;
      if (f.client === null) totals[column] += value;
      else (clients[f.client] ??= emptyCounters())[column] += value;
    }
    for (const { stage, h } of readLatency(latency as Record<string, string>)) {
      const into = merged.get(stage);
      if (into) into.add(h);
      else merged.set(stage, h);
    }
  });
  // merged bucket for bucket, so an instance alone reads as its own snapshot (same buckets, same max)
  const latencyUs: MetricsSnapshot['latencyUs'] = {};
  for (const [stage, h] of merged) latencyUs[stage] = h.summary();
  return { backend: 'fast', exact: true, totals, clients, latencyUs, instances: present };
}

/**
 * One instance's latency hash (redis-keys.ts) as a histogram per stage, with its exact max where
 * the instance wrote one; stages this version does not know are skipped.
 */
function readLatency(fields: Record<string, string>): { stage: Stage; h: LogHistogram }[] {
  const out: { stage: Stage; h: LogHistogram }[] = [];
  const buckets = new Map<Stage, { max: number; counts: [number, number][] }>();
  for (const [field, value] of Object.entries(fields)) {
    const f = parseLatencyField(field);
    if (!f || !(STAGES as readonly string[]).includes(f.stage)) continue;
    const stage = f.stage as Stage;
    if (f.kind === 'whole') {
      // an instance of an earlier version: LogHistogram text, or before that a compressed HdrHistogram
      out.push({ stage, h: LogHistogram.decode(value) ?? LogHistogram.fromHdr(decodeFromCompressedBase64(value, 32, false)) });
      continue;
    }
    let b = buckets.get(stage);
    if (!b) buckets.set(stage, (b = { max: 0, counts: [] }));
    if (f.kind === 'max') b.max = Number(value);
    else b.counts.push([f.index, Number(value)]);
  }
  for (const [stage, b] of buckets) {
    const h = LogHistogram.fromBuckets(b.max, b.counts);
    if (!h) throw new Error(`metrics: instance latency hash holds a bucket out of range for stage ${stage}`);
    out.push({ stage, h });
  }
  return out;
}
