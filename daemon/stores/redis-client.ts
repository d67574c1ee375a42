/**
 * The daemon's ioredis client. Commands fail fast (bounded retries and a command timeout) so a
 * Redis outage becomes an error reply within a second or two, never a call that hangs.
 */
import { Redis } from 'ioredis';

export function createRedis(url: string, log: (line: string) => void): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    commandTimeout: 2000,
    connectTimeout: 2000,
    enableAutoPipelining: true,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  let lastLogged = 0;
  redis.on('error', (err: Error) => {
    // ioredis emits an error per reconnect attempt; one line every 10 s is enough.
    const now = Date.now();
    if (now - lastLogged > 10_000) {
      lastLogged = now;
      log(`redis: ${err.message}`);
    }
  });
  return redis;
}
