/**
 * What only the fake's scripting needs checking (the replies themselves are compared with a
 * real redis-server in command-conformance.e2e.test.ts): one Lua state per server, the script
 * cache, binary-safe strings, and the time limit that stops a runaway script.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../common/running.ts';
import { startRespFake } from '../resp-fake.ts';
import { sha1hex } from './engine.ts';

const servers: RunningServer[] = [];
const clients: Redis[] = [];
async function connect(opts: Parameters<typeof startRespFake>[0] = {}): Promise<Redis> {
  const fake = await startRespFake(opts);
  servers.push(fake);
  const r = new Redis(fake.url, { maxRetriesPerRequest: 1 });
  clients.push(r);
  return r;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  for (const s of servers.splice(0)) await s.close();
});

describe('Lua scripting in the RESP fake', () => {
  it('keeps one Lua state per server: its PRNG runs on across calls, another server has its own', async () => {
    const a = await connect();
    const b = await connect();
    const first = await a.eval('return math.random(1000000)', 0);
    expect(await a.eval('return math.random(1000000)', 0)).not.toBe(first);
    expect(await b.eval('return math.random(1000000)', 0)).toBe(first);
  });

  it('caches every evaluated body by its SHA1 until SCRIPT FLUSH', async () => {
    const r = await connect();
    const body = 'return ARGV[1] .. KEYS[1]';
    expect(await r.eval(body, 1, 'k', 'a')).toBe('ak');
    expect(await r.evalsha(sha1hex(body), 1, 'x', 'y')).toBe('yx');
    expect(await r.script('EXISTS', sha1hex(body))).toEqual([1]);
    expect(await r.script('FLUSH')).toBe('OK');
    await expect(r.evalsha(sha1hex(body), 0)).rejects.toThrow('NOSCRIPT No matching script. Please use EVAL.');
  });

  it('passes every byte value through KEYS, ARGV, redis.call and the reply unchanged', async () => {
    const r = await connect();
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const back = await r.callBuffer('EVAL', "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])", 1, all, all);
    expect(Buffer.compare(back as Buffer, all)).toBe(0);
    expect(Buffer.compare((await r.getBuffer(all))!, all)).toBe(0);
  });

  it('stops a runaway script at its time limit, even one that catches errors, and serves on', async () => {
    const r = await connect({ scriptTimeLimitMs: 100 });
    const t0 = Date.now();
    await expect(r.eval('while true do end', 0)).rejects.toThrow(/ERR script ran longer than 100 ms; the RESP fake stopped it/);
    await expect(r.eval('while true do pcall(function() while true do end end) end', 0)).rejects.toThrow(/ran longer than 100 ms/);
    await expect(r.eval('while true do xpcall(function() while true do end end, function() end) end', 0)).rejects.toThrow(/ran longer/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await r.ping()).toBe('PONG');
    expect(await r.eval('return 1', 0)).toBe(1);
  });
});
