/**
 * Wait until a Redis at a redis:// URL answers PING, with a raw socket (no client library,
 * no reconnect logic): retried every 25 ms until `timeoutMs`. Any reply counts, -NOAUTH
 * included: the server is up, which is all a readiness check asks.
 */
import net from 'node:net';

function pingOnce(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error('no reply')), timeoutMs);
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.once('data', (d) => {
      clearTimeout(timer);
      socket.destroy();
      const first = d[0];
      if (first === 0x2b /* + */ || first === 0x2d /* - */) resolve();
      else reject(new Error(`unexpected reply ${JSON.stringify(d.toString().slice(0, 40))}`));
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      reject(new Error('closed without a reply'));
    });
  });
}

export async function pingRedis(url: string, timeoutMs: number): Promise<void> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(u.port || 6379);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    try {
      return await pingOnce(host, port, Math.max(50, Math.min(left, 1000)));
    } catch (e) {
      if (Date.now() + 25 >= deadline) throw new Error(`${url} does not answer PING: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
