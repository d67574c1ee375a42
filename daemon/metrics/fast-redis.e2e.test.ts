import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
import { startRespFake } from '../../fakes/redis/resp-fake.ts';
import { LogHistogram } from './log-histogram.ts';
import { driveMixed } from './testing/hot-path-session.ts';
import { createHotPath } from '../hot-path.ts';

/** The client of the describe running now (each describe connects its own: `connectTo`). */
let redis: Redis;

/** Start a server before the describe's tests and connect `redis` to it; close both after. */
function connectTo(start: () => Promise<{ url: string; close(): Promise<void> }>): void {
  let server: { close(): Promise<void> } | undefined;
  beforeAll(async () => {
    const s = await start();
    server = s;
    redis = new Redis(s.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.close();
  });
}

describeWithDeps(['redis-server'], 'fast backend flushing to a real redis-server', () => {
  connectTo(startRealRedis);
  it('flushes first soon after start, long before its interval', async () => {
    await flushesFirstSoonAfterStart(redis);
  });
  it('meters its flushes\' CPU (timerCpuUs, served by /stats): none before the first flush, more after each one that sends', async () => {
    await redis.flushall();
    const m = new FastMetrics({ flushIntervalMs: 60_000 });
    m.start({ instanceId: 'host:9:8079', redis });
    try {
      expect(m.timerCpuUs()).toBe(0);
      runScript(m, { clients: 4, framesPerClient: 50 });
      expect(await m.flushNow()).toBe(true);
      const first = m.timerCpuUs();
      expect(first).toBeGreaterThan(0);
      runScript(m, { clients: 2, framesPerClient: 10 });
      expect(await m.flushNow()).toBe(true);
      expect(m.timerCpuUs()).toBeGreaterThan(first);
    } finally {
      await m.close();
    }
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

  it('flushes only the latency buckets that grew, and the cluster view equals the instance\'s own histogram', async () => {
    await flushesOnlyWhatGrew(redis);
  });

  it('counts every client exactly, whether its id travels in a packed line or, with a tab or newline in it, as its own fields', async () => {
    await countsEveryClient(redis);
  });

  it('merges stage latencies across instances, from this version\'s buckets and from earlier versions\' LogHistogram text and compressed HdrHistogram', async () => {
    await redis.flushall();
    const a = new FastMetrics({ flushIntervalMs: 60_000 });
    a.start({ instanceId: 'host:1:8079', redis });
    try {
      runScript(a, { clients: 1, framesPerClient: 1 }); // an instance with no counters reads as expired
      for (let i = 1; i <= 100; i++) a.stageLatency(StageId.provider, i * 1000);
      expect(await a.flushNow()).toBe(true);
      expect(await redis.hget(latencyKey('host:1:8079'), 'provider:max')).toBe('100000');
      expect(await redis.hget(latencyKey('host:1:8079'), 'provider')).toBeNull();
      // instances of earlier versions: 100 values of 500 ms as a compressed HdrHistogram, 100 of 2 s as LogHistogram text
      const hdr = build({ bitBucketSize: 32, autoResize: true, numberOfSignificantValueDigits: 3, useWebAssembly: false });
      hdr.recordValueWithCount(500_000, 100);
      const text = new LogHistogram();
      for (let i = 0; i < 100; i++) text.record(2_000_000);
      for (const [id, encoded] of [['host:2:8079', encodeIntoCompressedBase64(hdr)], ['host:3:8079', text.encode()]]) {
        await redis.hset(INDEX_KEY, id, '1');
        await redis.hset(instanceKey(id), 't:messagesReceived', '0');
        await redis.hset(latencyKey(id), 'provider', encoded);
      }
      const cluster = await readClusterSnapshot(redis);
      const provider = cluster.latencyUs.provider!;
      expect(provider.count).toBe(300);
      expect(provider.p50).toBeGreaterThanOrEqual(499_000);
      expect(provider.p50).toBeLessThanOrEqual(501_000);
      expect(provider.p99).toBeGreaterThanOrEqual(1_990_000);
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
      for (let i = 1; i <= 50; i++) m.stageLatency(StageId.provider, i * 7919);
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
      expect(cluster.latencyUs.provider).toEqual(m.snapshot().latencyUs.provider);
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

/**
 * Two flushes of spread latencies (provider-slow's provider); the second carries only the buckets
 * its records touched, and the cluster view's percentiles are the instance's own.
 */
async function flushesOnlyWhatGrew(redis: Redis): Promise<void> {
  await redis.flushall();
  const m = new FastMetrics({ flushIntervalMs: 60_000 });
  m.start({ instanceId: 'spread:1:8079', redis });
  const call = vi.spyOn(redis, 'call');
  try {
    runScript(m, { clients: 2, framesPerClient: 3 });
    for (let i = 0; i < 2000; i++) m.stageLatency(StageId.provider, 20_000 + ((i * 7919) % 4_000_000));
    expect(await m.flushNow()).toBe(true);
    const before = [...m.stages[StageId.provider].counts];
    for (const v of [25_000, 25_010, 3_999_000]) m.stageLatency(StageId.provider, v);
    expect(await m.flushNow()).toBe(true);
    const args = call.mock.calls.at(-1)![1] as unknown as (string | number)[];
    const at = args.indexOf('provider');
    const grew = m.stages[StageId.provider].counts.flatMap((n, i) => (n !== before[i] ? [`${i}:${n - before[i]},`] : []));
    expect(grew.length).toBeGreaterThanOrEqual(2);
    expect(args[at + 2]).toBe(grew.join(''));
    expect(args.filter((a) => a === 'total' || a === 'cache')).toEqual([]); // stages with nothing new are not sent
    const cluster = await readClusterSnapshot(redis);
    expect(cluster.latencyUs.provider!.count).toBe(2003);
    expect(cluster.latencyUs.provider).toEqual(m.snapshot().latencyUs.provider);
  } finally {
    call.mockRestore();
    await m.close();
  }
}

/**
 * The first flush comes at firstFlushMs, long before the interval (fast-sinks.ts, FIRST_FLUSH_MS
 * says why), then every interval: here the counts are in the cluster view without a hand flush.
 */
async function flushesFirstSoonAfterStart(redis: Redis): Promise<void> {
  await redis.flushall();
  const m = new FastMetrics({ flushIntervalMs: 60_000, firstFlushMs: 50 });
  const t = runScript(m, { clients: 3, framesPerClient: 4 });
  const call = vi.spyOn(redis, 'call');
  m.start({ instanceId: 'early:1:8079', redis });
  try {
    await vi.waitFor(async () => expect((await readClusterSnapshot(redis)).totals).toEqual(t.totals), { timeout: 5000, interval: 50 });
    expect((await readClusterSnapshot(redis)).clients).toEqual(t.clients);
    expect(call.mock.calls.filter(([cmd]) => cmd === 'EVAL')).toHaveLength(1); // the next waits its 60 s
  } finally {
    call.mockRestore();
    await m.close();
  }
}

/** Clients' counts over two flushes, ids of every kind, each client's fields read back one by one. */
async function countsEveryClient(redis: Redis): Promise<void> {
  await redis.flushall();
  const m = new FastMetrics({ flushIntervalMs: 60_000 });
  m.start({ instanceId: 'ids:1:8079', redis });
  const ids = ['plain-1', 'tab\there', 'new\nline', 'ünï:cödé', 'x'];
  const call = vi.spyOn(redis, 'call');
  try {
    const t1 = runScript(m, { clients: ids.length, framesPerClient: 7, ids });
    expect(await m.flushNow()).toBe(true);
    const args = call.mock.calls.at(-1)![1] as unknown as (string | number)[];
    expect(args).toContain('c:tab\there:messagesReceived');
    expect(args).not.toContain('c:plain-1:messagesReceived');
    expect(args.some((a) => typeof a === 'string' && a.includes('plain-1\t'))).toBe(true);
    const t2 = runScript(m, { clients: 2, framesPerClient: 3, ids: ids.slice(1, 3) });
    expect(await m.flushNow()).toBe(true);
    const cluster = await readClusterSnapshot(redis);
    expect(cluster.totals).toEqual(addCounters(t1.totals, t2.totals));
    for (const id of ids) expect(cluster.clients[id], id).toEqual(t2.clients[id] ? addCounters(t1.clients[id], t2.clients[id]) : t1.clients[id]);
    expect(Object.keys(cluster.clients).sort()).toEqual([...ids].sort());
  } finally {
    call.mockRestore();
    await m.close();
  }
}

describe('fast backend flushing to the RESP fake', () => {
  connectTo(startRespFake);

  it('flushes first soon after start, long before its interval', async () => {
    await flushesFirstSoonAfterStart(redis);
  });

  it('flushes only the latency buckets that grew, and the cluster view equals the instance\'s own histogram', async () => {
    await flushesOnlyWhatGrew(redis);
  });

  it('counts every client exactly, whether its id travels in a packed line or, with a tab or newline in it, as its own fields', async () => {
    await countsEveryClient(redis);
  });
});
