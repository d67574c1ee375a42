import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../common/exit-codes.ts';
import type { ProviderStats } from './provider/stats.ts';
import { startRespFake } from './redis/resp-fake.ts';
import { validateWorldConfig } from './world-config.ts';
import { startWorld } from './world.ts';

/** Listening sockets of this process, once closes have settled (handles go away a tick late). */
async function listeners(): Promise<number> {
  let n = Infinity;
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 25));
    const now = process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    if (now === n) return n;
    n = now;
  }
  return n;
}

describe('startWorld', () => {
  it('starts provider, Supabase and Redis; close() stops all three', async () => {
    const world = await startWorld({ redis: 'fake', seed: 9 });
    const { provider, supabase, redis, redisKind } = world.endpoints;
    expect(redisKind).toBe('fake');
    expect(world.storeKind).toBe('memory');
    expect((await fetch(`${provider}/__control`)).status).toBe(200);
    expect((await fetch(`${supabase}/__control`)).status).toBe(200);
    const r = new Redis(redis);
    expect(await r.ping()).toBe('PONG');
    r.disconnect();
    await world.close();
    await expect(fetch(`${provider}/__control`)).rejects.toThrow();
    await expect(fetch(`${supabase}/__control`)).rejects.toThrow();
  });

  it('passes settings through: provider key and latency', async () => {
    const world = await startWorld({ redis: 'fake', providerKey: 'sk-test', providerLatency: 'constant:v=30ms' });
    try {
      const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      const url = `${world.endpoints.provider}/v1/chat/completions`;
      const headers = { 'content-type': 'application/json' };
      expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(401);
      const t0 = performance.now();
      const ok = await fetch(url, { method: 'POST', headers: { ...headers, authorization: 'Bearer sk-test' }, body });
      expect(ok.status).toBe(200);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    } finally {
      await world.close();
    }
  });

  it('passes settings through: provider requests per minute, 429 with Retry-After above them', async () => {
    const world = await startWorld({ redis: 'fake', providerRpm: 2 });
    try {
      const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      const call = () => fetch(`${world.endpoints.provider}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect([(await call()).status, (await call()).status]).toEqual([200, 200]);
      const limited = await call();
      expect(limited.status).toBe(429);
      // a minute's allowance of 2: the next request fits in 30 s
      expect(Number(limited.headers.get('retry-after'))).toBe(30);
      const stats = (await (await fetch(`${world.endpoints.provider}/__stats`)).json()) as ProviderStats;
      expect(stats.limited).toEqual({ rpm: 1, tpm: 0 });
    } finally {
      await world.close();
    }
  });

  it('when one service fails, closes the ones that started and throws a UsageError', async () => {
    const dead = await startRespFake();
    await dead.close();
    const before = await listeners();
    const err = await startWorld({ redis: 'auto' }, { env: { REDIS_URL: dead.url } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/^REDIS_URL: .* does not answer PING/);
    expect(await listeners()).toBe(before);
  });
});

describe('validateWorldConfig', () => {
  it('accepts every key', () => {
    const config = {
      providerLatency: 'lognormal:median=120ms,p99=900ms', providerErrorRate: 0.01, providerRpm: 60, providerTpm: 20_000, providerKey: 'k',
      supabaseLatency: 'normal:mean=8ms,sd=2ms', supabaseErrorRate: 0, redis: 'fake', redisLatency: 'constant:v=0.2ms',
      store: 'memory', seed: 42,
    };
    expect(validateWorldConfig(config)).toEqual(config);
  });

  it('names the key and the problem in one line', () => {
    const msg = (input: unknown) => {
      try {
        validateWorldConfig(input, { where: 'world.json: ' });
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(msg({ redisLatncy: 'x' })).toMatch(/^world\.json: unknown key "redisLatncy" \(expected providerLatency, /);
    expect(msg({ supabaseLatency: 'gaussian:mean=1ms' })).toMatch(/^world\.json: supabaseLatency: latency spec "gaussian:mean=1ms": unknown distribution "gaussian"/);
    expect(msg({ providerErrorRate: 1.5 })).toMatch(/^world\.json: providerErrorRate: /);
    expect(msg({ seed: -1 })).toMatch(/^world\.json: seed: /);
    expect(msg({ store: 'sqlite' })).toMatch(/^world\.json: store: /);
    expect(msg([])).toMatch(/^world\.json: config: /);
    for (const m of [msg({ redisLatncy: 'x' }), msg({ seed: 1.5 })]) expect(m).not.toContain('\n');
  });

  it('checks that redis real and store postgres can be served', () => {
    expect(() => validateWorldConfig({ redis: 'real' }, { env: { PATH: '/nonexistent' } })).toThrow(/--redis real: no REDIS_URL is set and no redis-server is on PATH/);
    expect(validateWorldConfig({ redis: 'real' }, { env: { REDIS_URL: 'redis://127.0.0.1:1' } })).toEqual({ redis: 'real' });
    expect(validateWorldConfig({ redis: 'real' }, { env: { PATH: '/nonexistent' }, checkBinaries: false })).toEqual({ redis: 'real' });
  });
});
