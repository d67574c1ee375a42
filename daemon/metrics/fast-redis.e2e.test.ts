import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithDeps } from '../../common/testing/system-deps.ts';
import { Redis } from 'ioredis';
import { FastMetrics } from './fast.ts';
import { readClusterSnapshot } from './cluster.ts';
import { INDEX_KEY, instanceKey, latencyKey } from './redis-keys.ts';
import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { StageId } from './types.ts';
import { runScript } from './testing/run-script.ts';
import { addCounters } from './counter-names.ts';
import { emptyCounters } from './types.ts';
import { startRealRedis } from './testing/real-redis.ts';
import { driveMixed } from './testing/hot-path-session.ts';
import { createHotPath } from '../hot-path.ts';

let server: { url: string; close(): Promise<void> };
let redis: Redis;


describeWithDeps(['redis-server'], 'fast backend flushing to a real redis-server', () => {
  beforeAll(async () => {
    server = await startRealRedis();
    redis = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.close();
  });
  it('flushes counter deltas, and the cluster read sums two instances exactly', async () => {
    await redis.flushall();
    const a = new FastMetrics({ flushIntervalMs: 60_000 });
    const b = new FastMetrics({ flushIntervalMs: 60_000 });
    a.start({ instanceId: 'host:1:8079', redis });
    b.start({ instanceId: 'host:2:8079', redis });
    try {
      const ta = runScript(a, { clients: 4, framesPerClient: 50 });
      expect(await a.flushNow()).toBe(true);
      // a second batch on a, flushed again: only the delta is added
      const ta2 = runScript(a, { clients: 2, framesPerClient: 10 });
      expect(await a.flushNow()).toBe(true);
      expect(await a.flushNow()).toBe(true); // nothing changed: no double counting
      const tb = runScript(b, { clients: 3, framesPerClient: 20 });
      await b.close(); // close flushes

      const cluster = await readClusterSnapshot(redis);
      expect(cluster.instances).toEqual(['host:1:8079', 'host:2:8079']);
      const expectedTotals = addCounters(addCounters(addCounters(emptyCounters(), ta.totals), ta2.totals), tb.totals);
      expect(cluster.totals).toEqual(expectedTotals);
      const c0 = addCounters(addCounters(addCounters(emptyCounters(), ta.clients['client-0']), ta2.clients['client-0']), tb.clients['client-0']);
      expect(cluster.clients['client-0']).toEqual(c0);
      expect(cluster.clients['client-3']).toEqual(ta.clients['client-3']);
      expect(cluster.latencyUs.total?.count).toBe(ta.stageCount + ta2.stageCount + tb.stageCount);

      expect(await redis.hexists(INDEX_KEY, 'host:1:8079')).toBe(1);
      expect(Number(await redis.hget(instanceKey('host:1:8079'), 't:messagesReceived'))).toBe(
        ta.totals.messagesReceived + ta2.totals.messagesReceived,
      );
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('merges stage latencies across instances, from this version\'s text and from an older one\'s compressed HdrHistogram', async () => {
    await redis.flushall();
    const a = new FastMetrics({ flushIntervalMs: 60_000 });
    a.start({ instanceId: 'host:1:8079', redis });
    try {
      runScript(a, { clients: 1, framesPerClient: 1 }); // an instance with no counters reads as expired
      for (let i = 1; i <= 100; i++) a.stageLatency(StageId.provider, i * 1000);
      expect(await a.flushNow()).toBe(true);
      expect(await redis.hget(latencyKey('host:1:8079'), 'provider')).toMatch(/^lh1;/);
      // an instance of an older version: 100 values of 500 ms, as it encoded them
      const old = build({ bitBucketSize: 32, autoResize: true, numberOfSignificantValueDigits: 3, useWebAssembly: false });
      old.recordValueWithCount(500_000, 100);
      await redis.hset(INDEX_KEY, 'host:2:8079', '1');
      await redis.hset(instanceKey('host:2:8079'), 'total:messagesReceived', '0');
      await redis.hset(latencyKey('host:2:8079'), 'provider', encodeIntoCompressedBase64(old));
      const cluster = await readClusterSnapshot(redis);
      const provider = cluster.latencyUs.provider!;
      expect(provider.count).toBe(200);
      expect(provider.p50).toBeGreaterThanOrEqual(99_000);
      expect(provider.p50).toBeLessThanOrEqual(101_000);
      expect(provider.p99).toBeGreaterThanOrEqual(499_000);
    } finally {
      await a.close();
    }
  });

  it('keeps deltas when a flush fails and sends them exactly once when Redis accepts again', async () => {
    await redis.flushall();
    // a wrong-typed instance key makes every HINCRBY of the MULTI fail (they all target that key)
    await redis.set(instanceKey('flaky'), 'not a hash');
    const m = new FastMetrics({ flushIntervalMs: 60_000 });
    m.start({ instanceId: 'flaky', redis });
    const stderr = process.stderr.write;
    const lines: string[] = [];
    process.stderr.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stderr.write;
    try {
      const t = runScript(m, { clients: 2, framesPerClient: 5 });
      expect(await m.flushNow()).toBe(false);
      expect(await m.flushNow()).toBe(false);
      expect(lines.join('')).toMatch(/redis sink failing: WRONGTYPE/);
      expect(lines.filter((l) => l.includes('failing'))).toHaveLength(1); // one line, not one per flush
      await redis.del(instanceKey('flaky'));
      expect(await m.flushNow()).toBe(true);
      expect(lines.join('')).toMatch(/redis sink recovered/);
      const cluster = await readClusterSnapshot(redis);
      expect(cluster.totals).toEqual(t.totals);
      expect(cluster.clients).toEqual(t.clients);
    } finally {
      process.stderr.write = stderr;
      await m.close();
    }
  });

  it('the cluster view of two daemons driven through the real hot path equals their frames, per client and in total', async () => {
    await redis.flushall();
    const a = new FastMetrics({ flushIntervalMs: 60_000 });
    const b = new FastMetrics({ flushIntervalMs: 60_000 });
    a.start({ instanceId: 'hot:1:8079', redis });
    b.start({ instanceId: 'hot:2:8079', redis });
    try {
      // 'shared' talks to both daemons: its cluster counts are the sums
      const ta = driveMixed(createHotPath(a), ['shared', 'only-a']);
      const tb = driveMixed(createHotPath(b), ['shared', 'only-b-1', 'only-b-2']);
      expect(await a.flushNow()).toBe(true);
      expect(await b.flushNow()).toBe(true);
      const cluster = await readClusterSnapshot(redis);
      const want = (id: string) => {
        const x = [ta.get(id), tb.get(id)].filter((t) => t !== undefined);
        return { messagesReceived: x.reduce((s, t) => s + t.received, 0), messagesSent: x.reduce((s, t) => s + t.sent(), 0) };
      };
      for (const id of ['shared', 'only-a', 'only-b-1', 'only-b-2']) expect(cluster.clients[id], id).toMatchObject(want(id));
      const all = [...ta.values(), ...tb.values()];
      expect(cluster.totals).toMatchObject({
        messagesReceived: all.reduce((s, t) => s + t.received, 0),
        messagesSent: all.reduce((s, t) => s + t.sent(), 0),
      });
    } finally {
      await a.close();
      await b.close();
    }
  });
});
