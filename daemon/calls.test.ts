/**
 * Async tool calls against the provider fake (memory stores): cache, in-flight join, progress,
 * streaming, cancel that really aborts the provider request, timeout, retries, semaphores.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProviderFake } from '../fakes/provider/server.ts';
import type { RunningServer } from '../fakes/common/running.ts';
import { startTestDaemon, type TestDaemon } from './testing/in-process.ts';
import { WsTestClient } from './testing/ws-test-client.ts';
import { controlProvider, providerEnv, providerStats } from './testing/provider-control.ts';
import { RecordingMetrics } from './testing/recording-metrics.ts';

let provider: RunningServer;
let d: TestDaemon;
let c: WsTestClient;
const metrics = new RecordingMetrics();

beforeAll(async () => {
  provider = await startProviderFake({ latency: 'constant:v=150ms', seed: 7 });
  d = await startTestDaemon(
    {
      ...providerEnv(provider.url),
      EXAI_WS_PROGRESS_INTERVAL_SECS: '0.05',
      EXAI_PROVIDER_MAX_RETRIES: '2',
      EXAI_RETRY_BASE_MS: '20',
      EXAI_GLM_MAX_INFLIGHT: '1',
      EXAI_CB_FAILURE_THRESHOLD: '1000',
    },
    metrics,
  );
  c = await WsTestClient.hello(d.url, { session_id: 'calls-client' });
});
afterAll(async () => {
  await c?.close();
  await d?.close();
  await provider?.close();
});
beforeEach(async () => {
  await controlProvider(provider.url, { latency: 'constant:v=150ms', faults: { rate429: 0, rate500: 0, rate503: 0, rateHang: 0, rateMalformed: 0 } });
});

const framesFor = (id: string) => c.frames.filter((f) => f.request_id === id).map((f) => f.op);

describe('chat', () => {
  it('answers through the provider with progress frames, then from the cache', async () => {
    const first = await c.call('c1', 'chat', { prompt: 'hello cache' });
    expect(first.outputs[0].text.length).toBeGreaterThan(0);
    expect(first.outputs[0].metadata.latency_metrics).toMatchObject({ provider_name: 'GLM' });
    expect(first.outputs[0].metadata.latency_metrics.latency_ms).toBeGreaterThanOrEqual(140);
    expect(first.from_cache).toBeUndefined();
    const ops = framesFor('c1');
    expect(ops.filter((o) => o === 'progress').length).toBeGreaterThanOrEqual(1);
    expect(ops.slice(-2)).toEqual(['stream_complete', 'call_tool_res']);

    const before = (await providerStats(provider.url)).requests;
    const second = await c.call('c2', 'chat', { prompt: 'hello cache' });
    expect(second.from_cache).toBe(true);
    expect(second.outputs[0].text).toBe(first.outputs[0].text);
    expect(framesFor('c2')).toEqual(['call_tool_res']);
    expect((await providerStats(provider.url)).requests).toBe(before);
    expect(metrics.cacheHits).toBeGreaterThanOrEqual(1);
  });

  it('joins the same request id while it runs (from_inflight) with one provider request', async () => {
    const before = (await providerStats(provider.url)).requests;
    c.send({ op: 'call_tool', request_id: 'j1', name: 'chat', arguments: { prompt: 'join me' } });
    c.send({ op: 'call_tool', request_id: 'j1', name: 'chat', arguments: { prompt: 'join me' } });
    const a = await c.result('j1');
    const b = await c.result('j1');
    expect([a.from_inflight, b.from_inflight].filter(Boolean)).toEqual([true]);
    expect(a.outputs[0].text).toBe(b.outputs[0].text);
    expect((await providerStats(provider.url)).requests).toBe(before + 1);
    expect(metrics.dedupHits).toBeGreaterThanOrEqual(1);
  });

  it('streams provider chunks as stream_chunk frames', async () => {
    await controlProvider(provider.url, { ttft: 'constant:v=5ms', tokenDelay: 'constant:v=1ms' });
    const res = await c.call('st1', 'kimi_chat', { prompt: 'stream please', stream: true });
    const chunks = c.frames.filter((f) => f.op === 'stream_chunk' && f.request_id === 'st1');
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.map((f) => f.chunk).join('')).toBe(res.outputs[0].text);
    expect(res.outputs[0].metadata.latency_metrics.provider_name).toBe('KIMI');
    expect((await providerStats(provider.url)).byPath['/v1/chat/completions']).toBeGreaterThanOrEqual(1);
  });

  it('cancel aborts the running provider request', async () => {
    await controlProvider(provider.url, { latency: 'constant:v=5s' });
    const before = await providerStats(provider.url);
    c.send({ op: 'call_tool', request_id: 'x1', name: 'chat', arguments: { prompt: 'cancel me' } });
    for (let i = 0; i < 100 && (await providerStats(provider.url)).inFlight === before.inFlight; i++) await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    c.send({ op: 'cancel', request_id: 'x1' });
    expect(await c.next((f) => f.op === 'cancelled' && f.request_id === 'x1')).toMatchObject({ found: true });
    const res = await c.result('x1');
    expect(res.error.code).toBe('CANCELLED');
    expect(Date.now() - t0).toBeLessThan(2000);
    let after = await providerStats(provider.url);
    for (let i = 0; i < 50 && after.aborted === before.aborted; i++) {
      await new Promise((r) => setTimeout(r, 20));
      after = await providerStats(provider.url);
    }
    expect(after.aborted).toBe(before.aborted + 1);
  });

  it('retries 503s (exponential backoff) and reports PROVIDER_ERROR after the last attempt', async () => {
    await controlProvider(provider.url, { latency: 'constant:v=1ms', faults: { rate503: 1 } });
    const before = (await providerStats(provider.url)).requests;
    const res = await c.call('r1', 'chat', { prompt: 'always 503' });
    expect(res.error.code).toBe('PROVIDER_ERROR');
    expect((await providerStats(provider.url)).requests - before).toBe(3);
  });

  it('honours Retry-After on 429', async () => {
    await controlProvider(provider.url, { latency: 'constant:v=1ms', faults: { rate429: 1, retryAfterSec: 1 } });
    const t0 = Date.now();
    const res = await c.call('r2', 'chat', { prompt: 'always 429' }, 10_000);
    expect(res.error.code).toBe('PROVIDER_ERROR');
    // Two retries, each waiting the server's 1 s rather than the 20 ms backoff.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
  });

  it('makes callers wait on the provider semaphore rather than refusing them', async () => {
    await controlProvider(provider.url, { latency: 'constant:v=100ms' });
    const t0 = Date.now();
    const results = await Promise.all([0, 1, 2].map((i) => c.call(`sem${i}`, 'glm_chat', { prompt: `sem ${i}` })));
    expect(results.every((r) => r.outputs)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    const waits = results.map((r) => r.outputs[0].metadata.latency_metrics.provider_sem_wait_ms);
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(150);
  });
});

describe('cancel while queued', () => {
  it('removes a call waiting on the semaphore; the others finish and nothing stays in flight', async () => {
    await controlProvider(provider.url, { latency: 'constant:v=300ms' });
    c.send({ op: 'call_tool', request_id: 'q1', name: 'glm_chat', arguments: { prompt: 'queue 1' } });
    c.send({ op: 'call_tool', request_id: 'q2', name: 'glm_chat', arguments: { prompt: 'queue 2' } });
    await new Promise((r) => setTimeout(r, 50));
    c.send({ op: 'cancel', request_id: 'q2' });
    const t0 = Date.now();
    expect((await c.result('q2')).error.code).toBe('CANCELLED');
    expect(Date.now() - t0).toBeLessThan(250);
    expect((await c.result('q1')).outputs).toBeDefined();
    // The permit q2 never got is not leaked: a new call runs at once.
    const t1 = Date.now();
    expect((await c.call('q3', 'glm_chat', { prompt: 'queue 3' })).outputs).toBeDefined();
    expect(Date.now() - t1).toBeLessThan(1000);
    const status = JSON.parse((await c.call('q-status', 'status')).outputs[0].text);
    expect(status.inflight).toBe(0);
  });
});

describe('timeout', () => {
  it('ends a call that outlives EXAI_TOOL_TIMEOUT_SECS with TIMEOUT', async () => {
    const td = await startTestDaemon({ ...providerEnv(provider.url), EXAI_TOOL_TIMEOUT_SECS: '0.3' });
    try {
      await controlProvider(provider.url, { latency: 'constant:v=3s' });
      const tc = await WsTestClient.hello(td.url);
      const res = await tc.call('t1', 'chat', { prompt: 'too slow' });
      expect(res.error.code).toBe('TIMEOUT');
      await tc.close();
    } finally {
      await td.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('ends running calls with an error frame before closing connections with 1001', async () => {
    const sd = await startTestDaemon({ ...providerEnv(provider.url) });
    await controlProvider(provider.url, { latency: 'constant:v=3s' });
    const sc = await WsTestClient.hello(sd.url);
    sc.send({ op: 'call_tool', request_id: 'bye', name: 'chat', arguments: { prompt: 'interrupted by shutdown' } });
    await new Promise((r) => setTimeout(r, 100));
    await sd.close();
    const res = await sc.result('bye');
    expect(res.error).toMatchObject({ code: 'CANCELLED', message: 'daemon shutting down' });
    expect(await sc.closed()).toBe(1001);
  });
});
