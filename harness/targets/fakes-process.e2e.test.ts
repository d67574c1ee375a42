/**
 * A scenario's world reaches the fakes process: here the provider's rate limits, from the
 * scenario's `world.provider.limits` to a provider that answers 429 with Retry-After above them.
 */
import { Redis } from 'ioredis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { inDatabase, startFakes, startWorlds, worldConfig, worldsPaired } from './fakes-process.ts';

describe('the fakes process gets the scenario world', () => {
  it('maps world.provider.limits to the fakes config, and only what the scenario wrote', () => {
    expect(worldConfig({ provider: { limits: { rpm: 30, tpm: 5000 } } }, 7)).toEqual({ providerRpm: 30, providerTpm: 5000, seed: 7 });
    expect(worldConfig({ provider: { limits: { tpm: 5000 } } }, 7)).toEqual({ providerTpm: 5000, seed: 7 });
  });

  it('gives each variant a world of its own only where that is cheap and nothing names one server', () => {
    const env = { PATH: '' };
    expect(worldsPaired({ provider: { latency: 'constant:v=1ms' }, redis: { mode: 'auto' } }, 'fakes', env)).toBe(true);
    expect(worldsPaired({ redis: { mode: 'fake' } }, 'compose', env)).toBe(false);
    expect(worldsPaired({ supabase: { store: 'postgres' } }, 'fakes', env)).toBe(false);
    // a real Redis with no redis-server here would come from a container
    expect(worldsPaired({ redis: { mode: 'real' } }, 'fakes', env)).toBe(false);
    expect(worldsPaired({ redis: { mode: 'auto' } }, 'fakes', { ...env, REDIS_URL: 'redis://127.0.0.1:6379' })).toBe(false);
    expect(worldsPaired({ redis: { mode: 'auto' } }, 'fakes', { ...env, DATABASE_URL: 'postgres://x' })).toBe(false);
  });

  it('a provider limited to 3 requests per minute answers the fourth with 429 and Retry-After', async () => {
    const fakes = await startFakes({ provider: { limits: { rpm: 3 } }, redis: { mode: 'fake' } }, 1);
    onTestFinished(() => fakes.stop());
    const body = JSON.stringify({ model: 'glm-4.5-flash', messages: [{ role: 'user', content: 'hi' }] });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${fakes.endpoints.provider}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      statuses.push(res.status);
      retryAfter = res.headers.get('retry-after');
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(retryAfter)).toBe(20);
    const stats = (await (await fetch(`${fakes.endpoints.provider}/__stats`)).json()) as { limited: { rpm: number } };
    expect(stats.limited.rpm).toBe(1);
  }, 60_000);

  it("pairs worlds around one RESP fake, each variant in a database of its own, and keeps a latency-injected Redis one per world", async () => {
    const worlds = await startWorlds({ redis: { mode: 'fake' } }, 5, { mode: 'fakes' });
    onTestFinished(() => Promise.all(worlds.distinct.map((w) => w.stop())).then(() => undefined));
    expect(worlds.baseline.world).toMatchObject({ redis: 'fake', paired: true, sharedRedis: true });
    const [b, x] = [worlds.baseline.endpoints.redis, worlds.instrumented.endpoints.redis];
    expect(x).toBe(inDatabase(b, 1));
    // One server, two keyspaces: the daemons' sessions and caches stay apart.
    const [rb, rx] = [new Redis(b, { lazyConnect: true }), new Redis(x, { lazyConnect: true })];
    onTestFinished(() => {
      rb.disconnect();
      rx.disconnect();
    });
    await rb.set('session:1', 'baseline');
    expect(await rx.get('session:1')).toBeNull();
    await rx.set('session:1', 'instrumented');
    expect(await rb.get('session:1')).toBe('baseline');

    const delayed = await startWorlds({ redis: { mode: 'fake', latency: 'constant:v=1ms' } }, 5, { mode: 'fakes' });
    onTestFinished(() => Promise.all(delayed.distinct.map((w) => w.stop())).then(() => undefined));
    expect(delayed.baseline.world.sharedRedis).toBeUndefined();
    expect(new URL(delayed.baseline.endpoints.redis).port).not.toBe(new URL(delayed.instrumented.endpoints.redis).port);
  }, 60_000);
});
