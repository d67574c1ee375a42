/** What only the fake needs checking: its password mode, its limits, and its edges on the wire. */
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../common/running.ts';
import { COMMAND_NAMES, isImplemented } from './dispatch.ts';
import { Database } from './keyspace.ts';
import { startRespFake } from './resp-fake.ts';

/**
 * Send raw bytes and collect the reply until it is `expectedLength` bytes long (or the server
 * closes), then look 50 ms longer to see whether the server closes the connection.
 */
function raw(port: number, data: string, expectedLength: number): Promise<{ reply: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let reply = '';
    let closed = false;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      setTimeout(() => {
        s.destroy();
        resolve({ reply, closed });
      }, 50);
    };
    s.on('data', (d) => {
      reply += d.toString('latin1');
      if (reply.length >= expectedLength) finish();
    });
    s.on('close', () => {
      closed = true;
      finish();
    });
    s.on('error', () => {});
    s.write(data);
  });
}

/** raw() when the whole expected reply is known. */
const exchange = (port: number, data: string, reply: string) => raw(port, data, reply.length);

describe('RESP fake', () => {
  let fake: RunningServer;
  beforeAll(async () => {
    fake = await startRespFake();
  });
  afterAll(() => fake.close());

  it('listens on an ephemeral loopback port with a redis:// URL', () => {
    expect(fake.url).toBe(`redis://127.0.0.1:${fake.port}`);
    expect(fake.port).toBeGreaterThan(0);
  });

  it('implements exactly the documented subset', () => {
    expect([...COMMAND_NAMES].sort()).toEqual([
      'auth', 'client', 'dbsize', 'del', 'discard', 'eval', 'evalsha', 'exec', 'exists', 'expire', 'flushall', 'flushdb', 'get',
      'hdel', 'hello', 'hexists', 'hget', 'hgetall', 'hincrby', 'hlen', 'hmget', 'hset', 'hsetnx', 'incr', 'incrby', 'info',
      'keys', 'llen', 'lpop', 'lpush', 'lrange', 'ltrim', 'multi', 'pexpire', 'ping', 'quit', 'rpop', 'rpush', 'script',
      'select', 'set', 'setex', 'ttl',
    ]);
    expect(isImplemented('GET')).toBe(true);
    expect(isImplemented('client|setinfo')).toBe(true);
    expect(isImplemented('CLIENT|KILL')).toBe(false);
    expect(isImplemented('WATCH')).toBe(false);
  });

  it('answers commands outside its subset with unknown command, never silently', async () => {
    const r = new Redis(fake.url);
    try {
      for (const cmd of [['LINDEX', 'l', '0'], ['WATCH', 'k'], ['SUBSCRIBE', 'c'], ['SADD', 's', 'm']]) {
        await expect(r.call(cmd[0], ...cmd.slice(1))).rejects.toThrow(`ERR unknown command '${cmd[0]}'`);
      }
    } finally {
      r.disconnect();
    }
  });

  it('says on stderr once per name that a command is not implemented', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const r = new Redis(fake.url);
    try {
      for (const cmd of [['ZADD', 'z', '1', 'm'], ['zadd', 'z', '2', 'n'], ['ZaDd'], ['GETDEL', 'k'], ['ZADD'], ['CLIENT', 'KILL', 'x'], ['CLIENT', 'kill']]) {
        await r.call(cmd[0], ...cmd.slice(1)).catch(() => {});
      }
      await r.eval("return redis.pcall('ZRANGE', 'z', 0, -1)", 0).catch(() => {});
      await r.eval("return redis.pcall('zrange', 'z', 0, -1)", 0).catch(() => {});
    } finally {
      r.disconnect();
    }
    const lines = stderr.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('redis fake:'));
    stderr.mockRestore();
    expect(lines).toEqual([
      'redis fake: unimplemented command ZADD (first seen; further ones not logged)\n',
      'redis fake: unimplemented command GETDEL (first seen; further ones not logged)\n',
      'redis fake: unimplemented command CLIENT|KILL (first seen; further ones not logged)\n',
      'redis fake: unimplemented command ZRANGE (from a script) (first seen; further ones not logged)\n',
    ]);
  });

  it('serves inline commands and closes the connection on a protocol error', async () => {
    const ok = '+PONG\r\n+OK\r\n$1\r\n1\r\n';
    expect(await exchange(fake.port, 'PING\r\nset "a b" 1\r\nget "a b"\r\n', ok)).toEqual({ reply: ok, closed: false });
    const bad = "-ERR Protocol error: expected '$', got '+'\r\n";
    expect(await exchange(fake.port, '*1\r\n+PING\r\n', bad)).toEqual({ reply: bad, closed: true });
  });

  it('QUIT replies OK, closes, and ignores what was pipelined after it', async () => {
    // Wait for more than +OK: a PONG would arrive if the PING were (wrongly) answered.
    expect(await raw(fake.port, '*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n', 100)).toEqual({ reply: '+OK\r\n', closed: true });
  });

  it('a command split over many writes still gets one reply', async () => {
    const s = net.connect(fake.port, '127.0.0.1');
    const reply = new Promise<string>((resolve) => s.once('data', (d) => resolve(d.toString())));
    for (const part of ['*3\r\n$3\r\nSE', 'T\r\n$1\r\nq\r', '\n$2\r\nok\r\n']) {
      s.write(part);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await reply).toBe('+OK\r\n');
    s.destroy();
  });
});

describe('RESP fake with a password', () => {
  let fake: RunningServer;
  beforeAll(async () => {
    fake = await startRespFake({ password: 's3cret' });
  });
  afterAll(() => fake.close());

  it('puts the password in its URL, and ioredis authenticates with HELLO 3 AUTH', async () => {
    expect(fake.url).toBe(`redis://:s3cret@127.0.0.1:${fake.port}`);
    const r = new Redis(fake.url);
    try {
      expect(await r.set('k', 'v')).toBe('OK');
      expect(await r.get('k')).toBe('v');
    } finally {
      r.disconnect();
    }
  });

  it('a RESP2 client (protocol 2) authenticates with AUTH <password>', async () => {
    const r = new Redis(fake.url, { protocol: 2 });
    try {
      expect(await r.ping()).toBe('PONG');
    } finally {
      r.disconnect();
    }
  });

  it('refuses commands before AUTH and wrong passwords', async () => {
    const port = fake.port;
    const noauth = '-NOAUTH Authentication required.\r\n';
    expect((await exchange(port, '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n', noauth)).reply).toBe(noauth);
    const wrongpass = '-WRONGPASS invalid username-password pair or user is disabled.\r\n';
    expect((await exchange(port, '*2\r\n$4\r\nAUTH\r\n$5\r\nwrong\r\n', wrongpass)).reply).toBe(wrongpass);
    expect((await raw(port, '*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n', 100)).reply).toMatch(/^-NOAUTH HELLO must be called with the client already authenticated/);
    expect((await exchange(port, '*2\r\n$4\r\nAUTH\r\n$6\r\ns3cret\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n', '+OK\r\n$1\r\nv\r\n')).reply).toBe('+OK\r\n$1\r\nv\r\n');
  });
});

describe('keyspace expiry sweep', () => {
  it('deletes expired keys nobody reads, a bounded slice per call', () => {
    const db = new Database();
    for (let i = 0; i < 1000; i++) db.set(`gone${i}`, 'v', 1000);
    db.set('alive', 'v', 10_000);
    db.set('forever', 'v');
    db.sweep(5000, 300);
    expect(db.data.size).toBe(1002 - 300);
    for (let i = 0; i < 5; i++) db.sweep(5000, 300);
    expect([...db.data.keys()].sort()).toEqual(['alive', 'forever']);
    expect(db.get('alive', 20_000)).toBeUndefined(); // lazily, on access
  });
});
