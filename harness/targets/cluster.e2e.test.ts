/**
 * Several reference daemons as one target (scenario `instances`), against in-process fakes: one
 * launcher process whose tree holds every instance, clients spread round-robin, and the cluster's
 * counters exact against what the clients exchanged, through Redis (scope=cluster) or, when the
 * backend does not aggregate there, as the sum of the instances' own counters. Stop leaves nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRedis, type FoundRedis } from '../../fakes/redis/find.ts';
import { startSupabaseFake, type RunningSupabaseFake } from '../../fakes/supabase/server.ts';
import { startProviderFake } from '../../fakes/provider/server.ts';
import type { RunningServer } from '../../fakes/common/running.ts';
import { WsTestClient } from '../../daemon/testing/ws-test-client.ts';
import { createServer, connect, type AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { instanceSeed } from './reference-daemon-argv.ts';
import { startCluster, startRoundRobin } from './cluster.ts';
import { targetStats } from '../measure/daemon-monitor.ts';
import type { FakesEndpoints } from './fakes-process.ts';

let redis: FoundRedis;
let supabase: RunningSupabaseFake;
let provider: RunningServer;
let fakes: FakesEndpoints;

beforeAll(async () => {
  redis = await findRedis({ mode: 'fake', env: { PATH: process.env.PATH } });
  supabase = await startSupabaseFake({ store: 'memory' });
  provider = await startProviderFake({ latency: 'constant:v=5ms', seed: 9 });
  fakes = { redis: redis.url, supabase: supabase.url, provider: provider.url } as FakesEndpoints;
});
afterAll(async () => {
  await provider?.close();
  await supabase?.close();
  await redis?.close();
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function traffic(url: string, clients: number): Promise<{ sent: number; received: number }> {
  const cs = await Promise.all(Array.from({ length: clients }, (_, i) => WsTestClient.hello(url, { session_id: `cl-${Date.now()}-${i}` })));
  await Promise.all(cs.map(async (c, i) => {
    for (let k = 0; k < 5; k++) await c.call(`r${k}`, k % 2 ? 'echo' : 'status', { text: `${i}` });
  }));
  const sent = cs.reduce((n, c) => n + c.sentFrames, 0);
  const received = cs.reduce((n, c) => n + c.frames.length, 0);
  await Promise.all(cs.map((c) => c.close()));
  return { sent, received };
}

describe('round-robin balancer', () => {
  it('hands each new connection to the next upstream in turn and carries bytes both ways', async () => {
    const servers = await Promise.all([0, 1, 2].map((k) => new Promise<{ port: number; close: () => void }>((resolve) => {
      const s = createServer((sock) => sock.on('data', (d) => sock.write(`${k}:${d}`)));
      s.listen(0, '127.0.0.1', () => resolve({ port: (s.address() as AddressInfo).port, close: () => s.close() }));
    })));
    const lb = await startRoundRobin(servers.map((s) => s.port));
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => new Promise<string>((resolve) => {
        const c = connect(lb.port, '127.0.0.1', () => c.write(`hi${i}`));
        c.once('data', (d) => {
          resolve(d.toString());
          c.destroy();
        });
      })));
      expect(lb.spread).toEqual([2, 2, 2]);
      expect(answers.map((a) => a.split(':')[0]).sort()).toEqual(['0', '0', '1', '1', '2', '2']);
    } finally {
      await lb.close();
      for (const s of servers) s.close();
    }
  });
});

describe('reference cluster (instances)', () => {
  it('3 instances in one tree; scope=cluster totals equal what the clients exchanged', async () => {
    const t = await startCluster({
      label: 'test', instances: 3, fakes, v8Seed: 12345,
      env: { METRICS_BACKEND: 'fast', EXAI_RATE_LIMIT: 'off', EXAI_METRICS_SINKS: 'redis', EXAI_METRICS_FLUSH_MS: '100' },
    });
    try {
      expect(t.target).toBe('reference x3');
      const counters = t.counters as NonNullable<typeof t.counters> & { mode(): Promise<string> };
      expect(await counters.applies()).toBeNull();
      expect(await counters.mode()).toBe('redis');
      expect(counters.where).toContain('scope=cluster (3 instances)');
      const before = await counters.read();
      const wire = await traffic(t.url, 6);
      const after = await counters.read();
      expect(after.messagesReceived - before.messagesReceived).toBe(wire.sent);
      expect(after.messagesSent - before.messagesSent).toBe(wire.received);
      const snap = (await (await fetch(`${t.monitoringUrl}/metrics.json?scope=cluster`)).json()) as { instances: string[] };
      expect(snap.instances).toHaveLength(3);
      // a V8 seed each (instanceSeed): the instances' layout luck averages instead of being one draw
      const seeds = snap.instances.map((id) => {
        const pid = id.split(':').at(-2);
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').find((a) => a.startsWith('--random-seed='));
      });
      expect(seeds.sort()).toEqual([0, 1, 2].map((i) => `--random-seed=${instanceSeed(12345, i)}`).sort());
      // a window reads every instance's /stats as one (targetStats): three daemons' connections and timers
      expect(t.monitoringUrls).toHaveLength(3);
      const one = await targetStats({ monitoringUrl: t.monitoringUrl });
      const all = await targetStats(t);
      expect(all!.connections).toBeGreaterThanOrEqual(one!.connections);
      expect(all!.rssBytes).toBeGreaterThan(2 * one!.rssBytes);
      expect(all!.metricsTimerCpuUs).toBeGreaterThan(0);
    } finally {
      await t.stop();
    }
    expect(alive(t.pid!)).toBe(false);
  }, 120_000);

  it('aggregating in Supabase instead: the summed roll-ups of this cluster\'s instances are exact too', async () => {
    const t = await startCluster({
      label: 'test', instances: 2, fakes,
      env: { METRICS_BACKEND: 'fast', EXAI_RATE_LIMIT: 'off', EXAI_METRICS_SINKS: 'supabase', EXAI_METRICS_ROLLUP_MS: '200' },
    });
    try {
      const counters = t.counters as NonNullable<typeof t.counters> & { mode(): Promise<string> };
      expect(await counters.applies()).toBeNull();
      expect(await counters.mode()).toBe('supabase');
      expect(counters.where).toContain('metrics_rollups');
      const before = await counters.read();
      const wire = await traffic(t.url, 4);
      const after = await counters.read();
      expect(after.messagesReceived - before.messagesReceived).toBe(wire.sent);
      expect(after.messagesSent - before.messagesSent).toBe(wire.received);
    } finally {
      await t.stop();
    }
  }, 120_000);

  it('two clusters on one Redis (an A/A run): each counts only its own instances\' traffic', async () => {
    const env = { METRICS_BACKEND: 'fast', EXAI_RATE_LIMIT: 'off', EXAI_METRICS_SINKS: 'redis', EXAI_METRICS_FLUSH_MS: '100' };
    const [a, b] = await Promise.all([startCluster({ label: 'a', instances: 2, fakes, env }), startCluster({ label: 'b', instances: 2, fakes, env })]);
    try {
      const ca = a.counters as NonNullable<typeof a.counters> & { mode(): Promise<string> };
      expect(await ca.mode()).toBe('redis');
      const before = await ca.read();
      const [wa] = await Promise.all([traffic(a.url, 2), traffic(b.url, 4)]);
      const after = await ca.read();
      expect(ca.where).toContain('others share the Redis');
      expect(after.messagesReceived - before.messagesReceived).toBe(wa.sent);
      expect(after.messagesSent - before.messagesSent).toBe(wa.received);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 120_000);

  it('aggregating nowhere: the instances\' own totals are summed, and say so', async () => {
    const t = await startCluster({
      label: 'test', instances: 2, fakes,
      env: { METRICS_BACKEND: 'fast', EXAI_RATE_LIMIT: 'off', EXAI_METRICS_SINKS: 'none' },
    });
    try {
      const counters = t.counters as NonNullable<typeof t.counters> & { mode(): Promise<string> };
      expect(await counters.mode()).toBe('sum');
      const before = await counters.read();
      const wire = await traffic(t.url, 2);
      const after = await counters.read();
      expect(after.messagesReceived - before.messagesReceived).toBe(wire.sent);
      expect(counters.where).toContain('neither in Redis nor in Supabase');
    } finally {
      await t.stop();
    }
  }, 120_000);
});
