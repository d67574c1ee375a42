/**
 * One test list, run with ioredis against the RESP fake AND a real redis-server: whatever the
 * fake answers must be what Redis answers. The real server is started by findRedis({mode:
 * 'real'}) with REDIS_URL hidden, so a developer's own Redis is never written to.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithDeps } from '../../common/testing/system-deps.ts';
import { findRedis, type FoundRedis } from './find.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TTL read right after setting `seconds`: Redis rounds to nearest, a slow machine may lose one. */
function expectTtl(actual: number, seconds: number): void {
  expect(actual).toBeGreaterThanOrEqual(seconds - 1);
  expect(actual).toBeLessThanOrEqual(seconds);
}

for (const backend of ['fake', 'real'] as const) describeWithDeps(backend === 'real' ? ['redis-server'] : [], `ioredis against the ${backend} Redis`, () => {
  let found: FoundRedis;
  const clients: Redis[] = [];
  let r: Redis;
  let k = 0;
  /** A fresh key per call, so tests do not see each other's data. */
  const key = (name = 'k') => `${backend}:${name}:${++k}`;
  const connect = async (opts: RedisOptions = {}): Promise<Redis> => {
    const c = new Redis(found.url, { lazyConnect: true, maxRetriesPerRequest: 1, ...opts });
    clients.push(c);
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    found = await findRedis({ mode: backend, env: { PATH: process.env.PATH } });
    expect(found.kind).toBe(backend);
    r = await connect();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    await found?.close();
  });

  it('connects with RESP3 (HELLO 3) and answers PING', async () => {
    expect(await r.ping()).toBe('PONG');
    expect(await r.ping('hello there')).toBe('hello there');
    const hello = (await r.call('HELLO', '3')) as unknown[];
    // legacy reply mapping flattens the RESP3 map into [k, v, ...]
    expect(hello.slice(0, 2)).toEqual(['server', 'redis']);
    expect(hello[hello.indexOf('proto') + 1]).toBe(3);
    expect(hello[hello.indexOf('mode') + 1]).toBe('standalone');
  });

  it('HELLO 3 with the resp3 reply mapping gives maps as objects', async () => {
    const c = await connect({ replyMapping: 'resp3' });
    const hello = (await c.call('HELLO', '3')) as Record<string, unknown>;
    expect(hello).toMatchObject({ server: 'redis', proto: 3, mode: 'standalone', role: 'master', modules: [] });
    const h = key('h');
    await c.hset(h, 'a', '1', 'b', '2');
    expect(await c.call('HGETALL', h)).toEqual({ a: '1', b: '2' });
  });

  it('speaks RESP2: protocol 2 client, HELLO 2, and the version errors', async () => {
    const c = await connect({ protocol: 2 });
    const hello = (await c.call('HELLO', '2')) as unknown[];
    expect(hello[hello.indexOf('proto') + 1]).toBe(2);
    const h = key('h');
    await c.hset(h, 'f', 'v');
    expect(await c.hgetall(h)).toEqual({ f: 'v' });
    expect(await c.get(key('missing'))).toBeNull();
    await expect(c.call('HELLO', '4')).rejects.toThrow(/^NOPROTO unsupported protocol version/);
    await expect(c.call('HELLO', 'x')).rejects.toThrow(/Protocol version is not an integer/);
    await expect(c.call('HELLO', '2', 'bogus')).rejects.toThrow("Syntax error in HELLO option 'bogus'");
  });

  it('GET and SET, with NX and XX', async () => {
    const a = key();
    expect(await r.get(a)).toBeNull();
    expect(await r.set(a, 'v1')).toBe('OK');
    expect(await r.get(a)).toBe('v1');
    expect(await r.set(a, 'v2', 'NX')).toBeNull();
    expect(await r.get(a)).toBe('v1');
    expect(await r.set(a, 'v3', 'XX')).toBe('OK');
    expect(await r.get(a)).toBe('v3');
    const b = key();
    expect(await r.set(b, 'x', 'XX')).toBeNull();
    expect(await r.set(b, 'x', 'NX')).toBe('OK');
    expect(await r.exists(b)).toBe(1);
  });

  it('SET EX/PX set a TTL and plain SET clears it', async () => {
    const a = key();
    expect(await r.set(a, 'v', 'EX', 100)).toBe('OK');
    expectTtl(await r.ttl(a), 100);
    expect(await r.set(a, 'v', 'PX', 5000)).toBe('OK');
    expectTtl(await r.ttl(a), 5);
    expect(await r.call('SET', a, 'v', 'XX', 'EX', '20')).toBe('OK');
    expectTtl(await r.ttl(a), 20);
    await r.set(a, 'w');
    expect(await r.ttl(a)).toBe(-1);
  });

  it('SET rejects bad options and expire times like Redis', async () => {
    const a = key();
    await expect(r.call('SET', a, 'v', 'NX', 'XX')).rejects.toThrow('ERR syntax error');
    await expect(r.call('SET', a, 'v', 'EX', '10', 'PX', '100')).rejects.toThrow('ERR syntax error');
    await expect(r.call('SET', a, 'v', 'EX')).rejects.toThrow('ERR syntax error');
    await expect(r.call('SET', a, 'v', 'BOGUS')).rejects.toThrow('ERR syntax error');
    await expect(r.call('SET', a, 'v', 'EX', '0')).rejects.toThrow("ERR invalid expire time in 'set' command");
    await expect(r.call('SET', a, 'v', 'PX', '-5')).rejects.toThrow("ERR invalid expire time in 'set' command");
    await expect(r.call('SET', a, 'v', 'EX', '1.5')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(r.call('SET', a, 'v', 'EX', '9223372036854775807')).rejects.toThrow("invalid expire time in 'set'");
    expect(await r.exists(a)).toBe(0);
  });

  it('SETEX sets value and TTL; rejects a non-positive time', async () => {
    const a = key();
    expect(await r.setex(a, 30, 'v')).toBe('OK');
    expect(await r.get(a)).toBe('v');
    expectTtl(await r.ttl(a), 30);
    await expect(r.setex(a, 0, 'v')).rejects.toThrow("ERR invalid expire time in 'setex' command");
    await expect(r.call('SETEX', a, 'x', 'v')).rejects.toThrow('ERR value is not an integer or out of range');
  });

  it('DEL and EXISTS count keys (EXISTS counts repeats)', async () => {
    const [a, b, c] = [key(), key(), key()];
    await r.set(a, '1');
    await r.hset(b, 'f', '1');
    expect(await r.exists(a, b, c)).toBe(2);
    expect(await r.exists(a, a, a)).toBe(3);
    expect(await r.del(a, a, b, c)).toBe(2);
    expect(await r.exists(a, b)).toBe(0);
    await expect(r.call('DEL')).rejects.toThrow("ERR wrong number of arguments for 'del' command");
  });

  it('INCR and INCRBY, with int64 bounds and errors', async () => {
    const a = key();
    expect(await r.incr(a)).toBe(1);
    expect(await r.incrby(a, 41)).toBe(42);
    expect(await r.incrby(a, -50)).toBe(-8);
    expect(await r.get(a)).toBe('-8');
    const big = key();
    await r.set(big, '9223372036854775806');
    expect(await r.call('INCR', big)).toBe(9223372036854775807);
    expect(await r.get(big)).toBe('9223372036854775807');
    await expect(r.incr(big)).rejects.toThrow('ERR increment or decrement would overflow');
    const s = key();
    await r.set(s, 'abc');
    await expect(r.incr(s)).rejects.toThrow('ERR value is not an integer or out of range');
    await r.set(s, '01');
    await expect(r.incr(s)).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(r.call('INCRBY', a, '+5')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(r.call('INCRBY', a, '9223372036854775808')).rejects.toThrow('ERR value is not an integer or out of range');
  });

  it('INCR keeps the TTL of the key', async () => {
    const a = key();
    await r.set(a, '5', 'EX', 100);
    expect(await r.incr(a)).toBe(6);
    expectTtl(await r.ttl(a), 100);
  });

  it('EXPIRE, PEXPIRE and TTL, with NX/XX/GT/LT', async () => {
    const a = key();
    expect(await r.ttl(a)).toBe(-2);
    expect(await r.expire(a, 10)).toBe(0);
    await r.set(a, 'v');
    expect(await r.ttl(a)).toBe(-1);
    expect(await r.call('EXPIRE', a, '100', 'GT')).toBe(0); // no TTL counts as infinite
    expect(await r.call('EXPIRE', a, '100', 'XX')).toBe(0);
    expect(await r.call('EXPIRE', a, '100', 'NX')).toBe(1);
    expectTtl(await r.ttl(a), 100);
    expect(await r.call('EXPIRE', a, '200', 'NX')).toBe(0);
    expect(await r.call('EXPIRE', a, '50', 'GT')).toBe(0);
    expect(await r.call('EXPIRE', a, '200', 'GT')).toBe(1);
    expect(await r.call('EXPIRE', a, '300', 'LT')).toBe(0);
    expect(await r.call('EXPIRE', a, '60', 'lt')).toBe(1);
    expectTtl(await r.ttl(a), 60);
    expect(await r.pexpire(a, 2900)).toBe(1);
    expect(await r.ttl(a)).toBe(3); // 2.9 s rounds to the nearest second (up), as Redis does
    await expect(r.call('EXPIRE', a, '10', 'NX', 'XX')).rejects.toThrow('ERR NX and XX, GT or LT options at the same time are not compatible');
    await expect(r.call('EXPIRE', a, '10', 'GT', 'LT')).rejects.toThrow('ERR GT and LT options at the same time are not compatible');
    await expect(r.call('EXPIRE', a, '10', 'ZZ')).rejects.toThrow('ERR Unsupported option ZZ');
    await expect(r.call('EXPIRE', a, 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    await expect(r.call('PEXPIRE', a, '9223372036854775807')).rejects.toThrow("ERR invalid expire time in 'pexpire' command");
    expect(await r.expire(a, -1)).toBe(1); // a time in the past deletes the key
    expect(await r.exists(a)).toBe(0);
  });

  it('keys expire (PX and PEXPIRE): gone on access, TTL -2 afterwards', async () => {
    const [a, h, e] = [key(), key('h'), key()];
    // One round trip, so the three TTLs start together and are checked well before they end.
    const setup = await r.multi().set(a, 'v', 'PX', 300).hset(h, 'f', 'v').pexpire(h, 300).set(e, '1').pexpire(e, 300).get(a).exec();
    expect(setup!.map(([, v]) => v)).toEqual(['OK', 1, 1, 'OK', 1, 'v']);
    await sleep(450);
    expect(await r.get(a)).toBeNull();
    expect(await r.ttl(a)).toBe(-2);
    expect(await r.hgetall(h)).toEqual({});
    expect(await r.exists(e)).toBe(0);
    expect(await r.incr(e)).toBe(1); // a fresh key, not the expired one
  });

  it('HSET, HGET, HINCRBY, HGETALL', async () => {
    const h = key('h');
    expect(await r.hset(h, 'a', '1', 'b', '2')).toBe(2);
    expect(await r.hset(h, 'a', '10', 'c', '3')).toBe(1);
    expect(await r.hget(h, 'a')).toBe('10');
    expect(await r.hget(h, 'zz')).toBeNull();
    expect(await r.hget(key('none'), 'a')).toBeNull();
    expect(await r.hincrby(h, 'a', 5)).toBe(15);
    expect(await r.hincrby(h, 'n', -3)).toBe(-3);
    expect(await r.hgetall(h)).toEqual({ a: '15', b: '2', c: '3', n: '-3' });
    expect(await r.hgetall(key('none'))).toEqual({});
    await expect(r.call('HSET', h, 'a', '1', 'b')).rejects.toThrow("ERR wrong number of arguments for 'hset' command");
    await r.hset(h, 's', 'abc');
    await expect(r.hincrby(h, 's', 1)).rejects.toThrow('ERR hash value is not an integer');
    await expect(r.call('HINCRBY', h, 'a', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    await r.hset(h, 'max', '9223372036854775807');
    await expect(r.hincrby(h, 'max', 1)).rejects.toThrow('ERR increment or decrement would overflow');
  });

  it('WRONGTYPE between strings and hashes', async () => {
    const [s, h] = [key(), key('h')];
    await r.set(s, 'v');
    await r.hset(h, 'f', 'v');
    const wrongtype = 'WRONGTYPE Operation against a key holding the wrong kind of value';
    await expect(r.get(h)).rejects.toThrow(wrongtype);
    await expect(r.incr(h)).rejects.toThrow(wrongtype);
    await expect(r.hget(s, 'f')).rejects.toThrow(wrongtype);
    await expect(r.hset(s, 'f', 'v')).rejects.toThrow(wrongtype);
    await expect(r.hgetall(s)).rejects.toThrow(wrongtype);
    await expect(r.hincrby(s, 'f', 1)).rejects.toThrow(wrongtype);
    expect(await r.set(h, 'now a string')).toBe('OK'); // SET overwrites any type
    expect(await r.get(h)).toBe('now a string');
  });

  it('pipeline(): many commands in one write, replies in order', async () => {
    const a = key();
    const h = key('h');
    const res = await r
      .pipeline()
      .set(a, '1')
      .incr(a)
      .get(a)
      .hset(h, 'f', '7')
      .hgetall(h)
      .get(h)
      .call('NOSUCH')
      .ping()
      .exec();
    expect(res!.map(([err, v]) => (err ? `error:${err.message.split(' ')[0]}` : v))).toEqual(['OK', 2, '2', 1, { f: '7' }, 'error:WRONGTYPE', 'error:ERR', 'PONG']);
  });

  it('a pipeline of 5,000 commands (split across TCP chunks)', async () => {
    const a = key();
    const p = r.pipeline();
    for (let i = 0; i < 5000; i++) p.incr(a);
    const res = await p.exec();
    expect(res!.length).toBe(5000);
    expect(res![4999]).toEqual([null, 5000]);
    expect(await r.get(a)).toBe('5000');
  });

  it('multi().exec() runs atomically; runtime errors stay in the results', async () => {
    const a = key();
    const h = key('h');
    await r.hset(h, 'f', 'v');
    const res = await r.multi().set(a, '10').incrby(a, 5).get(a).incr(h).exec();
    expect(res![0]).toEqual([null, 'OK']);
    expect(res![1]).toEqual([null, 15]);
    expect(res![2]).toEqual([null, '15']);
    expect(res![3][0]?.message).toMatch(/^WRONGTYPE/);
  });

  it('MULTI with a command rejected while queueing aborts with EXECABORT', async () => {
    const a = key();
    await expect(r.multi().set(a, '1').call('NOSUCH').exec()).rejects.toThrow(/EXECABORT Transaction discarded because of previous errors/);
    expect(await r.exists(a)).toBe(0);
    await expect(r.call('EXEC')).rejects.toThrow('ERR EXEC without MULTI');
  });

  it('unknown commands and wrong arity are errors, as in Redis', async () => {
    await expect(r.call('FOOBAR', 'a', 'b')).rejects.toThrow(/^ERR unknown command 'FOOBAR', with args beginning with: 'a' 'b'/i);
    await expect(r.call('GET')).rejects.toThrow("ERR wrong number of arguments for 'get' command");
    await expect(r.call('GET', 'a', 'b')).rejects.toThrow("ERR wrong number of arguments for 'get' command");
    await expect(r.call('PING', 'a', 'b')).rejects.toThrow("ERR wrong number of arguments for 'ping' command");
    await expect(r.call('CLIENT', 'SETNAME')).rejects.toThrow("ERR wrong number of arguments for 'client|setname' command");
    await expect(r.call('CLIENT', 'BOGUS')).rejects.toThrow("ERR unknown subcommand 'BOGUS'. Try CLIENT HELP.");
  });

  it('SELECT switches databases', async () => {
    const c = await connect();
    const a = key();
    await c.set(a, 'in-db-0');
    expect(await c.select(3)).toBe('OK');
    expect(await c.get(a)).toBeNull();
    await c.set(a, 'in-db-3');
    await c.select(0);
    expect(await c.get(a)).toBe('in-db-0');
    await expect(c.call('SELECT', '16')).rejects.toThrow('ERR DB index is out of range');
    await expect(c.call('SELECT', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
    const db3 = await connect({ db: 3 });
    expect(await db3.get(a)).toBe('in-db-3');
  });

  it('AUTH without a configured password, CLIENT SETNAME via connectionName', async () => {
    await expect(r.call('AUTH', 'x')).rejects.toThrow(/AUTH <password> called without any password configured for the default user/);
    expect(await r.call('AUTH', 'default', 'anything')).toBe('OK');
    await expect(r.call('AUTH', 'a', 'b', 'c')).rejects.toThrow('ERR syntax error');
    const named = await connect({ connectionName: 'overbench-test' });
    expect(await named.ping()).toBe('PONG');
    expect(await r.call('CLIENT', 'SETNAME', 'ok-name')).toBe('OK');
    await expect(r.call('CLIENT', 'SETNAME', 'has space')).rejects.toThrow('ERR Client names cannot contain spaces, newlines or special characters.');
  });

  it('values are binary-safe and large values survive', async () => {
    const bin = key();
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await r.set(bin, bytes);
    expect(Buffer.compare((await r.getBuffer(bin))!, bytes)).toBe(0);
    const big = key();
    const value = 'x'.repeat(3 * 1024 * 1024) + 'é';
    await r.set(big, value);
    expect(await r.get(big)).toBe(value);
    const h = key('h');
    await r.hset(h, 'ünï', 'cödé\r\n');
    expect(await r.hgetall(h)).toEqual({ 'ünï': 'cödé\r\n' });
  });

  it('INFO answers with the fields ioredis reads', async () => {
    const info = String(await r.info('server'));
    expect(info).toMatch(/redis_version:\d+\.\d+/);
  });
});
