import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../common/running.ts';
import { LatencySpecError } from '../../common/latency.ts';
import { startLatencyProxy } from './latency-proxy.ts';

/** A TCP echo server that counts connections; on the client's FIN it says "bye" and ends. */
async function startEcho(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    count++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('data', (d) => s.write(d));
    s.on('end', () => s.end('bye'));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => count,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Write `msg` and wait until `expected` bytes came back; returns the elapsed ms. */
function roundTrip(s: net.Socket, msg: string): Promise<number> {
  return new Promise((resolve) => {
    let got = 0;
    const t0 = performance.now();
    const onData = (d: Buffer) => {
      got += d.length;
      if (got >= msg.length) {
        s.off('data', onData);
        resolve(performance.now() - t0);
      }
    };
    s.on('data', onData);
    s.write(msg);
  });
}

describe('latency proxy', () => {
  let echo: Awaited<ReturnType<typeof startEcho>>;
  const proxies: RunningServer[] = [];
  const proxy = async (opts: Omit<Parameters<typeof startLatencyProxy>[0], 'targetHost' | 'targetPort'>) => {
    const p = await startLatencyProxy({ targetHost: '127.0.0.1', targetPort: echo.port, ...opts });
    proxies.push(p);
    return p;
  };
  beforeAll(async () => {
    echo = await startEcho();
  });
  afterAll(async () => {
    for (const p of proxies) await p.close();
    await echo.close();
  });

  it('adds each direction\'s latency to a round trip (lower bound)', async () => {
    const p = await proxy({ up: 'constant:v=20ms', down: 'constant:v=15ms' });
    expect(p.url).toBe(`tcp://127.0.0.1:${p.port}`);
    const s = await connect(p.port);
    await roundTrip(s, 'warm');
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push(await roundTrip(s, `ping${i}`));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(34);
    s.destroy();
  });

  it('sub-millisecond delays (setImmediate path) still forward', async () => {
    const p = await proxy({ up: 'constant:v=300us' });
    const s = await connect(p.port);
    expect(await roundTrip(s, 'x')).toBeGreaterThanOrEqual(0.3);
    s.destroy();
  });

  it('keeps bytes in order even when later chunks draw shorter delays', async () => {
    const p = await proxy({ up: 'uniform:min=0ms,max=30ms', down: 'uniform:min=0ms,max=30ms', seed: 3 });
    const s = await connect(p.port);
    const sent: string[] = [];
    let received = '';
    s.on('data', (d) => (received += d));
    for (let i = 0; i < 200; i++) {
      const msg = `<${i}>`;
      sent.push(msg);
      s.write(msg);
      // Yield so the writes leave as separate chunks with separate draws.
      await new Promise((r) => setImmediate(r));
    }
    const expected = sent.join('');
    for (let i = 0; i < 200 && received.length < expected.length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(received).toBe(expected);
    s.destroy();
  });

  it('delivers delayed bytes before passing a half-close on', async () => {
    const p = await proxy({ up: 'constant:v=10ms', down: 'constant:v=20ms' });
    const s = await connect(p.port);
    let received = '';
    s.on('data', (d) => (received += d));
    const ended = new Promise((r) => s.once('end', r));
    s.write('last words');
    s.end();
    await ended;
    expect(received).toBe('last wordsbye');
    s.destroy();
  });

  it('dropRate 1 closes every new connection at once, without reaching the target', async () => {
    const before = echo.connections();
    const p = await proxy({ dropRate: 1 });
    const s = net.connect(p.port, '127.0.0.1');
    s.on('error', () => {});
    let data = '';
    s.on('data', (d) => (data += d));
    s.write('hello');
    await new Promise((r) => s.once('close', r));
    expect(data).toBe('');
    expect(echo.connections()).toBe(before);
  });

  it('stallRate 1 accepts connections and never forwards', async () => {
    const before = echo.connections();
    const p = await proxy({ stallRate: 1 });
    const s = await connect(p.port);
    let data = '';
    s.on('data', (d) => (data += d));
    s.write('anyone?');
    await new Promise((r) => setTimeout(r, 150));
    expect(data).toBe('');
    expect(s.destroyed).toBe(false);
    expect(echo.connections()).toBe(before);
    const ended = new Promise((r) => s.once('end', r));
    await p.close(); // close() also ends stalled connections
    await ended;
    s.destroy();
  });

  it('drops roughly dropRate of connections (seeded)', async () => {
    const p = await proxy({ dropRate: 0.5, seed: 11 });
    let dropped = 0;
    for (let i = 0; i < 40; i++) {
      const s = net.connect(p.port, '127.0.0.1');
      s.on('error', () => {});
      const answered = await new Promise<boolean>((resolve) => {
        s.once('data', () => resolve(true));
        s.once('close', () => resolve(false));
        s.write('x');
      });
      if (!answered) dropped++;
      s.destroy();
    }
    expect(dropped).toBeGreaterThan(8);
    expect(dropped).toBeLessThan(32);
  });

  it('rejects bad specs and rates before listening', async () => {
    await expect(proxy({ up: 'constant:v=5' })).rejects.toThrow(LatencySpecError);
    await expect(proxy({ dropRate: 1.5 })).rejects.toThrow('dropRate must be a number in [0, 1], got 1.5');
    await expect(proxy({ stallRate: -1 })).rejects.toThrow(/stallRate/);
  });
});
