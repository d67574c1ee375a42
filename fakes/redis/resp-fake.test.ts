/** What only the fake needs checking: its password mode, its limits, and its edges on the wire. */
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../common/running.ts';
import { Database } from './keyspace.ts';
import { startRespFake } from './resp-fake.ts';

/** Send raw bytes, collect everything until the server closes or `idleMs` passes quietly. */
function raw(port: number, data: string, idleMs = 150): Promise<{ reply: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let reply = '';
    let timer = setTimeout(() => done(false), idleMs);
    const done = (closed: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ reply, closed });
    };
    s.on('data', (d) => {
      reply += d.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(() => done(false), idleMs);
    });
    s.on('close', () => done(true));
    s.on('error', () => {});
    s.write(data);
  });
}

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

  it('answers commands outside its subset with unknown command, never silently', async () => {
    const r = new Redis(fake.url);
    try {
      for (const cmd of [['LPUSH', 'l', 'x'], ['FLUSHALL'], ['WATCH', 'k'], ['KEYS', '*'], ['SUBSCRIBE', 'c']]) {
        await expect(r.call(cmd[0], ...cmd.slice(1))).rejects.toThrow(`ERR unknown command '${cmd[0]}'`);
      }
    } finally {
      r.disconnect();
    }
  });

  it('serves inline commands and closes the connection on a protocol error', async () => {
    expect(await raw(fake.port, 'PING\r\nset "a b" 1\r\nget "a b"\r\n')).toEqual({ reply: '+PONG\r\n+OK\r\n$1\r\n1\r\n', closed: false });
    expect(await raw(fake.port, '*1\r\n+PING\r\n')).toEqual({ reply: "-ERR Protocol error: expected '$', got '+'\r\n", closed: true });
  });

  it('QUIT replies OK, closes, and ignores what was pipelined after it', async () => {
    expect(await raw(fake.port, '*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n')).toEqual({ reply: '+OK\r\n', closed: true });
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

  it('refuses commands before AUTH and wrong passwords', async () => {
    const port = fake.port;
    expect((await raw(port, '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n')).reply).toBe('-NOAUTH Authentication required.\r\n');
    expect((await raw(port, '*2\r\n$4\r\nAUTH\r\n$5\r\nwrong\r\n')).reply).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect((await raw(port, '*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n')).reply).toMatch(/^-NOAUTH HELLO must be called with the client already authenticated/);
    expect((await raw(port, '*2\r\n$4\r\nAUTH\r\n$6\r\ns3cret\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n')).reply).toBe('+OK\r\n$1\r\nv\r\n');
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
