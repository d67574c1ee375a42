import { Redis } from 'ioredis';

/** One PING with a real client (ioredis), disconnected afterwards: the answer, or the error. */
export async function redisPing(url: string): Promise<string> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await r.ping();
  } finally {
    r.disconnect();
  }
}
