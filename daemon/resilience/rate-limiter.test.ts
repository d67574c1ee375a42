/**
 * Rate limits that cost the abuser: the session's own bucket decides first (a flood takes nothing
 * from the shared IP and global buckets), persistent excess becomes PERSISTENT_ABUSE, and with
 * Redis the shared buckets are kept in batches (real Lua on the RESP fake), failing open.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findRedis, type FoundRedis } from '../../fakes/redis/find.ts';
import { MemoryRateLimiter, PERSISTENT_ABUSE, RedisRateLimiter, type RateLimits } from './rate-limiter.ts';

const limits = (o: Partial<RateLimits> = {}): RateLimits => ({
  global: { capacity: 1000, refillPerSec: 0.001 },
  ip: { capacity: 10, refillPerSec: 0.001 },
  session: { capacity: 3, refillPerSec: 0.001 },
  abuseStrikes: 0,
  ...o,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('MemoryRateLimiter', () => {
  it("a flooding session is refused by its own bucket and leaves the IP's tokens to the others", () => {
    const rl = new MemoryRateLimiter(limits());
    const flood = Array.from({ length: 100 }, () => rl.take('10.0.0.1', 'abuser'));
    expect(flood.filter((v) => v === null)).toHaveLength(3);
    expect(new Set(flood.filter((v) => v !== null))).toEqual(new Set(['per-session rate limit']));
    // Same IP, another session: the IP bucket (10) lost only the 3 the abuser was allowed.
    const others = ['b', 'c', 'd'].flatMap((s) => [rl.take('10.0.0.1', s), rl.take('10.0.0.1', s), rl.take('10.0.0.1', s)]);
    expect(others.filter((v) => v === null)).toHaveLength(7);
    expect(others.filter((v) => v !== null)).toEqual(['per-IP rate limit', 'per-IP rate limit']);
  });

  it('the global bucket refuses last, and a refused message takes no token anywhere', () => {
    const rl = new MemoryRateLimiter(limits({ global: { capacity: 2, refillPerSec: 0.001 }, ip: { capacity: 100, refillPerSec: 0.001 } }));
    expect([rl.take('a', 's1'), rl.take('b', 's2'), rl.take('c', 's3')]).toEqual([null, null, 'global rate limit']);
  });

  it('persistent excess: PERSISTENT_ABUSE at the strike count, none with strikes off', () => {
    const rl = new MemoryRateLimiter(limits({ abuseStrikes: 5 }));
    const verdicts = Array.from({ length: 8 }, () => rl.take('ip', 's'));
    expect(verdicts.slice(0, 3)).toEqual([null, null, null]);
    expect(verdicts.slice(3, 7)).toEqual(Array(4).fill('per-session rate limit'));
    expect(verdicts[7]).toBe(PERSISTENT_ABUSE);
    const lenient = new MemoryRateLimiter(limits({ abuseStrikes: 0 }));
    expect(Array.from({ length: 500 }, () => lenient.take('ip', 's'))).not.toContain(PERSISTENT_ABUSE);
  });

  it('strikes leak at the refill rate: a client at about its rate is refused now and then, never closed', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const roomy = { capacity: 1e6, refillPerSec: 1e6 };
    const rl = new MemoryRateLimiter(limits({ global: roomy, ip: roomy, session: { capacity: 2, refillPerSec: 10 }, abuseStrikes: 5 }));
    const verdicts: (string | null)[] = [];
    // 15 messages a second against a refill of 10: a third refused, for a minute.
    for (let i = 0; i < 900; i++) {
      verdicts.push(rl.take('ip', 's'));
      vi.advanceTimersByTime(1000 / 15);
    }
    expect(verdicts.filter((v) => v === 'per-session rate limit').length).toBeGreaterThan(200);
    expect(verdicts).not.toContain(PERSISTENT_ABUSE);
  });
});

describe('RedisRateLimiter (the RESP fake runs the Lua)', () => {
  let found: FoundRedis | undefined;
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await found?.close();
    found = undefined;
  });

  it('decides locally at once, sends the tokens taken in one batch, and a second daemon learns the shared bucket is empty', async () => {
    found = await findRedis({ mode: 'fake', env: {} });
    const [r1, r2] = [new Redis(found.url), new Redis(found.url)];
    clients.push(r1, r2);
    const shared = limits({ global: { capacity: 5, refillPerSec: 0.001 }, ip: { capacity: 100, refillPerSec: 0.001 }, session: { capacity: 100, refillPerSec: 0.001 } });
    const one = new RedisRateLimiter(r1, shared, { syncMs: 10_000 });
    const two = new RedisRateLimiter(r2, shared, { syncMs: 10_000 });
    // Synchronous verdicts: no Redis round trip on the request path.
    expect(Array.from({ length: 5 }, (_, i) => one.take('ip', `s${i}`))).toEqual(Array(5).fill(null));
    await one.flush();
    expect(Number(await r1.hget('exai:rl:global', 't'))).toBeLessThan(1);
    expect(two.take('ip', 'x')).toBeNull(); // two has not heard yet: at most one batch beyond the limit
    await two.flush();
    expect(two.take('ip', 'y')).toBe('global rate limit');
  });

  it('fails open with one log line per outage when Redis is gone', async () => {
    found = await findRedis({ mode: 'fake', env: {} });
    const r = new Redis(found.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    clients.push(r);
    await r.ping();
    const logs: string[] = [];
    const rl = new RedisRateLimiter(r, limits({ session: { capacity: 100, refillPerSec: 1 } }), { syncMs: 10_000, log: (l) => logs.push(l) });
    await found.close();
    found = undefined;
    for (let i = 0; i < 3; i++) {
      expect(rl.take('ip', 's')).toBeNull();
      await rl.flush();
    }
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^rate limiter store failed, local limits only: /);
  });
});
