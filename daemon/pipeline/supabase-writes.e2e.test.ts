/**
 * The seed's Supabase writes beyond the chat pipeline, each checked through supabase-js against
 * the Supabase fake: `sessions` rows on connect and disconnect, `upload_file` (storage bucket +
 * `file_uploads` row + the provider fake's /files), `auditor_observations` from the periodic
 * auditor; and provider token usage per call with the per-session quota answering OVER_CAPACITY,
 * on the RESP fake Redis. Each switch off writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { Redis } from 'ioredis';
import { findRedis, type FoundRedis } from '../../fakes/redis/find.ts';
import { startSupabaseFake, type RunningSupabaseFake } from '../../fakes/supabase/server.ts';
import { startProviderFake, type ProviderStats } from '../../fakes/provider/server.ts';
import type { RunningServer } from '../../fakes/common/running.ts';
import { startTestDaemon, type TestDaemon } from '../testing/in-process.ts';
import { WsTestClient } from '../testing/ws-test-client.ts';
import { providerEnv } from '../testing/provider-control.ts';
import { UPLOAD_BUCKET } from './upload-file-tool.ts';

let supabase: RunningSupabaseFake;
let provider: RunningServer;
let redisFound: FoundRedis;
let db: SupabaseClient;

beforeAll(async () => {
  supabase = await startSupabaseFake({ store: 'memory' });
  provider = await startProviderFake({ latency: 'constant:v=5ms', seed: 4 });
  redisFound = await findRedis({ mode: 'fake', env: { PATH: process.env.PATH } });
  db = createClient(supabase.url, 'service-key', { auth: { persistSession: false } });
});
afterAll(async () => {
  await provider?.close();
  await supabase?.close();
  await redisFound?.close();
});

const world = () => ({ ...providerEnv(provider.url), SUPABASE_URL: supabase.url, SUPABASE_KEY: 'service-key', REDIS_URL: redisFound.url });
const until = async (what: string, cond: () => Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what}: not in time`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('sessions table (EXAI_SESSIONS_TABLE)', () => {
  it('on: a row on connect (connected, address, expiry), updated on disconnect with the session\'s usage', async () => {
    const d: TestDaemon = await startTestDaemon({ ...world(), EXAI_SESSIONS_TABLE: 'on', EXAI_USAGE: 'on' });
    try {
      const c = await WsTestClient.hello(d.url, { session_id: 'rows-1' });
      await until('connect row', async () => ((await db.from('sessions').select('*').eq('id', 'rows-1')).data ?? []).length === 1);
      const row = (await db.from('sessions').select('*').eq('id', 'rows-1')).data![0];
      expect(row.metadata.connected).toBe(true);
      expect(row.client_info).toMatchObject({ ip: '127.0.0.1', resumed: true });
      expect(Date.parse(row.expires_at)).toBeGreaterThan(Date.now() + 3500 * 1000);
      const r = await c.call('u1', 'chat', { prompt: 'count my tokens' });
      expect(r.error).toBeUndefined();
      await c.close();
      await until('disconnect update', async () => (await db.from('sessions').select('metadata').eq('id', 'rows-1')).data![0].metadata.connected === false);
      const after = (await db.from('sessions').select('*').eq('id', 'rows-1')).data![0];
      expect(after.metadata.usage.calls).toBe(1);
      expect(after.metadata.usage.total).toBeGreaterThan(0);
      expect(after.metadata.usage.total).toBe(after.metadata.usage.prompt + after.metadata.usage.completion);
    } finally {
      await d.close();
    }
  });

  it('off (default): no row', async () => {
    const d = await startTestDaemon(world());
    try {
      const c = await WsTestClient.hello(d.url, { session_id: 'rows-off' });
      await c.call('s', 'status');
      await c.close();
    } finally {
      await d.close();
    }
    expect((await db.from('sessions').select('id').eq('id', 'rows-off')).data).toEqual([]);
  });
});

describe('upload_file', () => {
  it('stores the bytes in the bucket, writes a file_uploads row, passes the file to the provider and records its id', async () => {
    const d = await startTestDaemon(world());
    try {
      const c = await WsTestClient.hello(d.url, { session_id: 'up-1' });
      const before = ((await (await fetch(`${provider.url}/__stats`)).json()) as ProviderStats).files;
      const res = await c.call('f1', 'upload_file', { filename: 'notes.txt', content: 'hello upload', conversation_id: 'conv-up' });
      expect(res.error).toBeUndefined();
      const out = JSON.parse(res.outputs[0].text);
      expect(out).toMatchObject({ bucket: UPLOAD_BUCKET, size_bytes: 12, provider: 'KIMI' });
      expect(out.file_id).toMatch(/^file-/);
      const row = (await db.from('file_uploads').select('*').eq('path', out.path)).data![0];
      expect(row).toMatchObject({ session_id: 'up-1', conversation_id: 'conv-up', filename: 'notes.txt', size_bytes: 12, sha256: out.sha256 });
      expect(row.metadata.provider_file_id).toBe(out.file_id);
      const stored = await db.storage.from(UPLOAD_BUCKET).download(out.path);
      expect(await stored.data!.text()).toBe('hello upload');
      expect(((await (await fetch(`${provider.url}/__stats`)).json()) as ProviderStats).files).toBe(before + 1);
      const bad = await c.call('f2', 'upload_file', { filename: 'x.txt' });
      expect(bad.error.code).toBe('INVALID_REQUEST');
      await c.close();
    } finally {
      await d.close();
    }
  });
});

describe('auditor (EXAI_AUDITOR)', () => {
  it('on: samples finished calls into auditor_observations rows on its interval', async () => {
    const d = await startTestDaemon({ ...world(), EXAI_AUDITOR: 'on', EXAI_AUDITOR_SAMPLE: '1', EXAI_AUDITOR_INTERVAL_SECS: '0.1', EXAI_AUDITOR_SLOW_MS: '100000' });
    try {
      const c = await WsTestClient.hello(d.url, { session_id: 'audit-1' });
      await c.call('a1', 'chat', { prompt: 'audit me' });
      await c.call('a2', 'chat', { prompt: '' });
      await c.close();
      await until('observations', async () => ((await db.from('auditor_observations').select('id').eq('session_id', 'audit-1')).data ?? []).length === 2);
      const rows = (await db.from('auditor_observations').select('*').eq('session_id', 'audit-1').order('id')).data!;
      expect(rows.map((r) => [r.kind, r.severity, r.payload.request_id])).toEqual([['call_sample', 'info', 'a1'], ['call_sample', 'error', 'a2']]);
      expect(rows[1].payload.error_code).toBe('INVALID_REQUEST');
    } finally {
      await d.close();
    }
  });

  it('sample 0: observes nothing', async () => {
    const d = await startTestDaemon({ ...world(), EXAI_AUDITOR: 'on', EXAI_AUDITOR_SAMPLE: '0', EXAI_AUDITOR_INTERVAL_SECS: '0.05' });
    try {
      const c = await WsTestClient.hello(d.url, { session_id: 'audit-0' });
      await c.call('a1', 'chat', { prompt: 'do not audit me' });
      await c.close();
    } finally {
      await d.close();
    }
    expect((await db.from('auditor_observations').select('id').eq('session_id', 'audit-0')).data).toEqual([]);
  });
});

describe('token usage and quota', () => {
  it('records each call\'s provider usage in Redis; once the quota is spent the next provider call is OVER_CAPACITY, without asking the provider', async () => {
    const d = await startTestDaemon({ ...world(), EXAI_SESSION_TOKEN_QUOTA: '1' });
    const redis = new Redis(redisFound.url);
    try {
      const c = await WsTestClient.hello(d.url, { session_id: 'quota-1' });
      const ok = await c.call('q1', 'chat', { prompt: 'spend it', stream: true });
      expect(ok.error).toBeUndefined();
      const usage = await redis.hgetall('exai:usage:quota-1');
      expect(Number(usage.calls)).toBe(1);
      expect(Number(usage.total)).toBeGreaterThan(1);
      const asked = ((await (await fetch(`${provider.url}/__stats`)).json()) as ProviderStats).requests;
      const refused = await c.call('q2', 'chat', { prompt: 'one more' });
      expect(refused.error).toMatchObject({ code: 'OVER_CAPACITY', details: { reason: 'token_quota', quota: 1 } });
      expect(((await (await fetch(`${provider.url}/__stats`)).json()) as ProviderStats).requests).toBe(asked);
      // Another session has its own quota; a cached answer costs no tokens and is still served.
      const other = await WsTestClient.hello(d.url, { session_id: 'quota-2' });
      expect((await other.call('q3', 'chat', { prompt: 'spend it', stream: true })).from_cache).toBe(true);
      await other.close();
      await c.close();
    } finally {
      redis.disconnect();
      await d.close();
    }
  });

  it('off (default): nothing recorded', async () => {
    const d = await startTestDaemon(world());
    const redis = new Redis(redisFound.url);
    try {
      const c = await WsTestClient.hello(d.url, { session_id: 'usage-off' });
      await c.call('u', 'chat', { prompt: 'not counted' });
      await c.close();
      expect(await redis.exists('exai:usage:usage-off')).toBe(0);
    } finally {
      redis.disconnect();
      await d.close();
    }
  });
});

describe('switches', () => {
  it('default to today\'s behaviour (all off, metrics to both sinks at the backend\'s own periods); a bad value names its variable', async () => {
    const { parseConfig } = await import('../config.ts');
    const c = parseConfig({});
    expect([c.usage, c.sessionTokenQuota, c.sessionsTable, c.auditor.on]).toEqual([false, 0, false, false]);
    expect(c.metricsSinks).toEqual({ redis: true, supabase: true, flushMs: null, rollupMs: null });
    expect(parseConfig({ EXAI_METRICS_SINKS: 'supabase', EXAI_METRICS_ROLLUP_MS: '1000' }).metricsSinks).toEqual({ redis: false, supabase: true, flushMs: null, rollupMs: 1000 });
    expect(() => parseConfig({ EXAI_AUDITOR_SAMPLE: '2' })).toThrow('daemon: EXAI_AUDITOR_SAMPLE must be a number 0..1, got "2"');
    expect(() => parseConfig({ EXAI_SESSIONS_TABLE: 'yes' })).toThrow('daemon: EXAI_SESSIONS_TABLE must be one of on|off, got "yes"');
    expect(() => parseConfig({ EXAI_METRICS_SINKS: 'kafka' })).toThrow(/EXAI_METRICS_SINKS must be one of both\|redis\|supabase\|none/);
  });
});
