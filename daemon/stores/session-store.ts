/**
 * Session state (so a client reconnecting with its session_id resumes): a Redis hash per session
 * with a sliding TTL, or memory without Redis.
 */
import type { Redis } from 'ioredis';
import { TtlMap } from './ttl-map.ts';

export interface SessionStore {
  /** Mark the session as connected; resolves true when it existed before (a resume). */
  connect(sessionId: string): Promise<boolean>;
  /** Per-call session check (pipeline stage 1): refresh the TTL and count the call. */
  touch(sessionId: string): Promise<void>;
}

export function createSessionStore(redis: Redis | null, ttlSec: number): SessionStore {
  if (redis) {
    const key = (id: string) => `exai:session:${id}`;
    return {
      async connect(id) {
        const now = Date.now();
        const res = await redis
          .multi()
          .hsetnx(key(id), 'created_at', now)
          .hset(key(id), 'last_seen', now)
          .hincrby(key(id), 'connections', 1)
          .expire(key(id), ttlSec)
          .exec();
        if (!res) throw new Error('session transaction aborted');
        for (const [err] of res) if (err) throw err;
        return res[0][1] === 0;
      },
      async touch(id) {
        const res = await redis.multi().hincrby(key(id), 'calls', 1).expire(key(id), ttlSec).exec();
        if (res) for (const [err] of res) if (err) throw err;
      },
    };
  }
  const mem = new TtlMap<true>(100_000);
  return {
    async connect(id) {
      const existed = mem.get(id) !== undefined;
      mem.set(id, true, ttlSec);
      return existed;
    },
    async touch(id) {
      mem.set(id, true, ttlSec);
    },
  };
}
