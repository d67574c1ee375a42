/**
 * Provider token usage per session, recorded per call, and the per-session quota the seed's
 * daemon enforces: once a session has spent its tokens, its next provider call is refused with
 * OVER_CAPACITY before any provider is asked. Kept in Redis (one hash per session, HINCRBY per call,
 * the session's TTL) so every instance sees the same spend; in memory without Redis.
 */
import type { Redis } from 'ioredis';
import { TtlMap } from '../stores/ttl-map.ts';

export interface TokenUsage {
  prompt: number;
  completion: number;
  total: number;
}

export interface SessionUsage extends TokenUsage {
  calls: number;
}

/** The session's quota is spent: answered OVER_CAPACITY (stage-error.ts). */
export class QuotaExceededError extends Error {
  override name = 'QuotaExceededError';
  constructor(readonly sessionId: string, readonly spent: number, readonly quota: number) {
    super(`Token quota exceeded for session ${sessionId}: ${spent} of ${quota} tokens used`);
  }
}

export interface UsageLedger {
  /** 0 = no quota (usage is still recorded). */
  readonly quota: number;
  /** Tokens the session has spent so far. */
  spent(sessionId: string): Promise<number>;
  /** Add one call's usage. */
  record(sessionId: string, u: TokenUsage): Promise<void>;
  usage(sessionId: string): Promise<SessionUsage>;
}

const key = (id: string) => `exai:usage:${id}`;

export function createUsageLedger(redis: Redis | null, quota: number, ttlSec: number): UsageLedger {
  if (redis) {
    return {
      quota,
      async spent(id) {
        return Number((await redis.hget(key(id), 'total')) ?? 0);
      },
      async record(id, u) {
        const res = await redis
          .multi()
          .hincrby(key(id), 'prompt', u.prompt)
          .hincrby(key(id), 'completion', u.completion)
          .hincrby(key(id), 'total', u.total)
          .hincrby(key(id), 'calls', 1)
          .expire(key(id), ttlSec)
          .exec();
        if (!res) throw new Error('usage transaction aborted');
        for (const [err] of res) if (err) throw err;
      },
      async usage(id) {
        const h = await redis.hgetall(key(id));
        return { prompt: Number(h.prompt ?? 0), completion: Number(h.completion ?? 0), total: Number(h.total ?? 0), calls: Number(h.calls ?? 0) };
      },
    };
  }
  const mem = new TtlMap<SessionUsage>(100_000);
  const get = (id: string) => mem.get(key(id)) ?? { prompt: 0, completion: 0, total: 0, calls: 0 };
  return {
    quota,
    async spent(id) {
      return get(id).total;
    },
    async record(id, u) {
      const s = get(id);
      mem.set(key(id), { prompt: s.prompt + u.prompt, completion: s.completion + u.completion, total: s.total + u.total, calls: s.calls + 1 }, ttlSec);
    },
    async usage(id) {
      return get(id);
    },
  };
}
