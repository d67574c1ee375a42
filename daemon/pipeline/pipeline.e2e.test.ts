/**
 * The seed's per-call pipeline against the fakes: the same script against the RESP fake and a
 * real redis-server, the Supabase fake (memory) and the provider fake. Checks what lands in
 * Supabase and Redis, session resume with pending delivery, the rate limit kept in Redis (a Lua
 * script), cluster metrics, and store failures turned into error replies. On either Redis, no
 * Redis error may reach a client or the metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithDeps } from '../../common/testing/system-deps.ts';
import { Redis } from 'ioredis';
import { createClient } from '@supabase/supabase-js';
import { findRedis, type FoundRedis } from '../../fakes/redis/find.ts';
import { startSupabaseFake, type RunningSupabaseFake } from '../../fakes/supabase/server.ts';
import { startProviderFake } from '../../fakes/provider/server.ts';
import type { RunningServer } from '../../fakes/common/running.ts';
import { startTestDaemon, type TestDaemon } from '../testing/in-process.ts';
import { WsTestClient } from '../testing/ws-test-client.ts';
import { controlProvider, providerEnv } from '../testing/provider-control.ts';
import { RecordingMetrics } from '../testing/recording-metrics.ts';
import { idempotencyKey } from '../stores/conversation-store.ts';
import { StageId } from '../metrics/types.ts';
import { sessionHash } from '../monitoring/session-hash.ts';

for (const backend of ['fake', 'real'] as const) describeWithDeps(backend === 'real' ? ['redis-server'] : [], `daemon pipeline on the ${backend} Redis`, () => {
  let redisFound: FoundRedis;
  let supabase: RunningSupabaseFake;
  let provider: RunningServer;
  let redis: Redis;
  let d: TestDaemon;
  const metrics = new RecordingMetrics();

  beforeAll(async () => {
    redisFound = await findRedis({ mode: backend, env: { PATH: process.env.PATH } });
    expect(redisFound.kind).toBe(backend);
    supabase = await startSupabaseFake({ store: 'memory' });
    provider = await startProviderFake({ latency: 'constant:v=20ms', seed: 11 });
    redis = new Redis(redisFound.url, { maxRetriesPerRequest: 1 });
    await redis.flushall();
    d = await startTestDaemon(
      { ...providerEnv(provider.url), REDIS_URL: redisFound.url, SUPABASE_URL: supabase.url, SUPABASE_KEY: 'service-key' },
      metrics,
    );
  });
  afterAll(async () => {
    await d?.close();
    redis?.disconnect();
    await provider?.close();
    await supabase?.close();
    await redisFound?.close();
  });

  describe('chat pipeline', () => {
    it('reads history, calls the provider, writes conversations and messages, caches in Redis', async () => {
      const c = await WsTestClient.hello(d.url, { session_id: 'pipe-1' });
      const first = await c.call('p1', 'chat', { prompt: 'first question' });
      expect(first.outputs[0].text).toMatch(/\S/);
      const second = await c.call('p2', 'chat', { prompt: 'second question' });
      expect(second.outputs).toBeDefined();
      await c.close();

      const db = createClient(supabase.url, 'service-key', { auth: { persistSession: false } });
      const conv = await db.from('conversations').select('*').eq('id', 'pipe-1');
      expect(conv.error).toBeNull();
      expect(conv.data).toHaveLength(1);
      expect(conv.data![0].session_id).toBe('pipe-1');
      const msgs = await db.from('messages').select('*').eq('conversation_id', 'pipe-1').order('id');
      expect(msgs.error).toBeNull();
      expect(msgs.data!.map((m) => `${m.role}:${m.content}`)).toEqual([
        'user:first question', `assistant:${first.outputs[0].text}`, 'user:second question', `assistant:${second.outputs[0].text}`,
      ]);
      for (const m of msgs.data!) {
        expect(m.idempotency_key).toBe(idempotencyKey(m.role, m.content, new Date(m.created_at).toISOString()));
      }

      expect(await redis.exists('exai:session:pipe-1')).toBe(1);
      expect((await redis.keys('exai:cache:*')).length).toBeGreaterThanOrEqual(2);
      const stages = new Set(metrics.stages.map((s) => s.stage));
      for (const s of Object.values(StageId)) expect(stages.has(s)).toBe(true);
    });

    it('answers the same call from another session from the Redis cache', async () => {
      const a = await WsTestClient.hello(d.url, { session_id: 'cache-a' });
      const fresh = await a.call('k1', 'glm_chat', { prompt: 'cached across sessions', model: 'glm-4.5-flash' });
      await a.close();
      const b = await WsTestClient.hello(d.url, { session_id: 'cache-b' });
      const hit = await b.call('k2', 'glm_chat', { model: 'glm-4.5-flash', prompt: 'cached across sessions' });
      expect(hit.from_cache).toBe(true);
      expect(hit.outputs[0].text).toBe(fresh.outputs[0].text);
      expect(b.frames.filter((f) => f.request_id === 'k2').map((f) => f.op)).toEqual(['call_tool_res']);
      await b.close();
    });
  });

  describe('session resume', () => {
    it('delivers a result that finished while the client was away, and counts the reconnect', async () => {
      await controlProvider(provider.url, { latency: 'constant:v=400ms' });
      try {
        const a = await WsTestClient.hello(d.url, { session_id: 'resume-1' });
        a.send({ op: 'call_tool', request_id: 'away', name: 'chat', arguments: { prompt: 'finish while I am gone' } });
        await new Promise((r) => setTimeout(r, 100));
        await a.close();
        // The call finishes into the pending queue in Redis.
        for (let i = 0; i < 100 && (await redis.llen('exai:pending:resume-1')) === 0; i++) await new Promise((r) => setTimeout(r, 20));
        expect(await redis.llen('exai:pending:resume-1')).toBe(1);
        expect(await redis.ttl('exai:pending:resume-1')).toBeGreaterThan(0);

        const reconnectsBefore = metrics.reconnects;
        const b = await WsTestClient.hello(d.url, { session_id: 'resume-1' });
        const res = await b.result('away');
        expect(res.outputs[0].text).toMatch(/\S/);
        expect(metrics.reconnects).toBe(reconnectsBefore + 1);
        expect(await redis.exists('exai:pending:resume-1')).toBe(0);
        // the resume's session and pending-queue commands all worked: no id-less REDIS_ERROR
        await new Promise((r) => setTimeout(r, 50));
        expect(b.frames.filter((f) => f.op === 'error')).toEqual([]);
        await b.close();
      } finally {
        await controlProvider(provider.url, { latency: 'constant:v=20ms' });
      }
    });
  });

  describe('rate limit in Redis', () => {
    it('refuses over the session bucket with OVER_CAPACITY, state kept in Redis', async () => {
      const rl = await startTestDaemon({ REDIS_URL: redisFound.url, EXAI_RATE_LIMIT: 'on', EXAI_RATE_SESSION: '2/0.01' });
      try {
        const c = await WsTestClient.hello(rl.url, { session_id: 'rl-redis' });
        for (let i = 0; i < 3; i++) c.send({ op: 'call_tool', request_id: `q${i}`, name: 'status' });
        const err = await c.next((f) => f.op === 'error' && f.request_id === 'q2');
        expect(err.error.code).toBe('OVER_CAPACITY');
        expect((await c.result('q0')).outputs).toBeDefined();
        // The shared buckets reach Redis in batches (every EXAI_RATE_SYNC_MS, 100 ms), not per message.
        for (let i = 0; i < 50 && (await redis.exists('exai:rl:session:rl-redis')) === 0; i++) await new Promise((r) => setTimeout(r, 20));
        expect(await redis.exists('exai:rl:session:rl-redis')).toBe(1);
        await c.close();
      } finally {
        await rl.close();
      }
    });
  });

  describe('the Redis answered every command', () => {
    it('no Redis error was counted by the daemon that served the suites above', () => {
      expect(metrics.errors.filter((k) => k === 'redis')).toEqual([]);
    });
  });

  describe('store failures become error replies', () => {
    it('Supabase failing -> SUPABASE_ERROR', async () => {
      const bad = await startSupabaseFake({ store: 'memory', errorRate: 1 });
      const sd = await startTestDaemon({ ...providerEnv(provider.url), SUPABASE_URL: bad.url, SUPABASE_KEY: 'k' });
      try {
        const c = await WsTestClient.hello(sd.url);
        const res = await c.call('sb1', 'chat', { prompt: 'supabase is down' });
        expect(res.error.code).toBe('SUPABASE_ERROR');
        await c.close();
      } finally {
        await sd.close();
        await bad.close();
      }
    });

    it('Redis unreachable -> REDIS_ERROR for chat, status still answers', async () => {
      const rd = await startTestDaemon({ ...providerEnv(provider.url), REDIS_URL: 'redis://127.0.0.1:1' });
      try {
        const c = await WsTestClient.hello(rd.url);
        expect((await c.call('st', 'status')).outputs).toBeDefined();
        const res = await c.call('rd1', 'chat', { prompt: 'redis is down' }, 15_000);
        expect(res.error.code).toBe('REDIS_ERROR');
        await c.close();
      } finally {
        await rd.close();
      }
    });
  });

  describe('cluster metrics', () => {
    it('/metrics.json?scope=cluster sums every fast daemon flushed to the same Redis', async () => {
      // A flush every 100 ms rather than the default 5 s: this checks the sum, not the period.
      const env = { REDIS_URL: redisFound.url, METRICS_BACKEND: 'fast', EXAI_METRICS_FLUSH_MS: '100' };
      const one = await startTestDaemon(env);
      const two = await startTestDaemon(env);
      try {
        const a = await WsTestClient.hello(one.url, { session_id: 'cluster-a' });
        const b = await WsTestClient.hello(two.url, { session_id: 'cluster-b' });
        await a.call('x', 'status');
        await b.call('y', 'status');
        let snap: { clients: Record<string, { messagesReceived: number; messagesSent: number }> } = { clients: {} };
        // Monitoring lists sessions by a short hash of their id.
        const [ha, hb] = [sessionHash('cluster-a'), sessionHash('cluster-b')];
        for (let i = 0; i < 40 && !(snap.clients[ha] && snap.clients[hb]); i++) {
          await new Promise((r) => setTimeout(r, 100));
          snap = (await (await fetch(`${one.monitoringUrl}/metrics.json?scope=cluster`)).json()) as typeof snap;
        }
        expect(snap.clients[ha]).toMatchObject({ messagesReceived: 2, messagesSent: 3 });
        expect(snap.clients[hb]).toMatchObject({ messagesReceived: 2, messagesSent: 3 });
        await a.close();
        await b.close();
      } finally {
        await one.close();
        await two.close();
      }
    });
  });
});
