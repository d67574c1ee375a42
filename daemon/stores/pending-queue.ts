/**
 * Results that finished while their client was away, per session: bounded (oldest dropped past
 * `max`) and TTL'd, drained when the session resumes. A Redis list, or memory without Redis.
 */
import type { Redis } from 'ioredis';
import { TtlMap } from './ttl-map.ts';

export interface PendingQueue {
  push(sessionId: string, frame: string): Promise<void>;
  /** Take every queued frame, oldest first, and empty the queue. */
  drain(sessionId: string): Promise<string[]>;
}

export function createPendingQueue(redis: Redis | null, max: number, ttlSec: number): PendingQueue {
  if (redis) {
    const key = (id: string) => `exai:pending:${id}`;
    return {
      async push(id, frame) {
        if (max === 0) return;
        const res = await redis.multi().rpush(key(id), frame).ltrim(key(id), -max, -1).expire(key(id), ttlSec).exec();
        if (res) for (const [err] of res) if (err) throw err;
      },
      async drain(id) {
        const res = await redis.multi().lrange(key(id), 0, -1).del(key(id)).exec();
        if (!res) return [];
        if (res[0][0]) throw res[0][0];
        return res[0][1] as string[];
      },
    };
  }
  const mem = new TtlMap<string[]>(10_000);
  return {
    async push(id, frame) {
      if (max === 0) return;
      const list = mem.get(id) ?? [];
      list.push(frame);
      if (list.length > max) list.splice(0, list.length - max);
      mem.set(id, list, ttlSec);
    },
    async drain(id) {
      const list = mem.get(id) ?? [];
      mem.delete(id);
      return list;
    },
  };
}
