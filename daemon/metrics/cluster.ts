import type { Redis } from 'ioredis';
import { build, decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { COUNTER_NAMES, type CounterName } from './counter-names.ts';
import { LogHistogram } from './log-histogram.ts';
import { INDEX_KEY, instanceKey, latencyKey, parseField } from './redis-keys.ts';
import { summarizeHistogram } from './summarize.ts';
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
  const merged = new Map<Stage, Histogram>();
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
    for (const [stage, encoded] of Object.entries(latency as Record<string, string>)) {
      if (!(STAGES as readonly string[]).includes(stage)) continue;
      // This version's flush writes LogHistogram text; an instance of an older one, a compressed HdrHistogram.
      const h = LogHistogram.decode(encoded)?.toHdr() ?? decodeFromCompressedBase64(encoded, 32, false);
      let into = merged.get(stage as Stage);
      if (!into) {
        into = build({ bitBucketSize: 32, autoResize: true, numberOfSignificantValueDigits: 3, useWebAssembly: false });
        merged.set(stage as Stage, into);
      }
      into.add(h);
    }
  });
  const latencyUs: MetricsSnapshot['latencyUs'] = {};
  for (const [stage, h] of merged) latencyUs[stage] = summarizeHistogram(h);
  return { backend: 'fast', exact: true, totals, clients, latencyUs, instances: present };
}
