/**
 * Per-message token buckets (EXAI-PROTOCOL.md): global, per client IP, per session. Abuse costs
 * the abuser, not everyone else:
 * - every decision is local and synchronous: the session's bucket first, so a flood is refused
 *   after a Map lookup and a few additions, before it touches anything shared (the IP and global
 *   buckets, Redis); a refused message takes no token from any bucket;
 * - a session that keeps exceeding its limit is told so: each refusal of its own bucket adds a
 *   strike, strikes leak at the session's refill rate, and at `abuseStrikes` the verdict is
 *   PERSISTENT_ABUSE, on which the connection is closed with CloseCode.RateLimitAbuse (4029). A
 *   client at twice its rate gets errors forever but stays; a flood is closed within
 *   `abuseStrikes` frames;
 * - with Redis the buckets are shared by every daemon, but Redis is consulted in batches, off the
 *   request path: the tokens taken locally are sent every `syncMs` in one script call, which
 *   answers which shared buckets are empty; those refuse locally until the next batch says
 *   otherwise. The price is that a cluster may admit up to one batch interval beyond its limit.
 *   (Before: one EVAL per message on one Redis connection; a 10,000-frame flood queued every
 *   other client's check behind it, 2 ms -> 720 ms round trips.)
 */
import type { Redis } from 'ioredis';
import type { BucketSpec } from '../config.ts';

/** null = allowed; otherwise the reason sent in OVER_CAPACITY. */
export type RateVerdict = string | null;

/** The verdict that also closes the connection (the reason in its OVER_CAPACITY error). */
export const PERSISTENT_ABUSE = 'per-session rate limit exceeded persistently';

export interface RateLimiter {
  take(ip: string, sessionId: string): RateVerdict | Promise<RateVerdict>;
}

export interface RateLimits {
  global: BucketSpec;
  ip: BucketSpec;
  session: BucketSpec;
  /** Refusals (leaking at the session refill rate) before PERSISTENT_ABUSE; 0 = never close. */
  abuseStrikes?: number;
}

export const DEFAULT_ABUSE_STRIKES = 200;

const REASON = { global: 'global rate limit', ip: 'per-IP rate limit', session: 'per-session rate limit' } as const;

interface Bucket {
  tokens: number;
  atMs: number;
}

interface SessionBucket extends Bucket {
  strikes: number;
}

function refill(b: Bucket, spec: BucketSpec, nowMs: number): void {
  b.tokens = Math.min(spec.capacity, b.tokens + ((nowMs - b.atMs) / 1000) * spec.refillPerSec);
  b.atMs = nowMs;
}

/** Bounded: a full bucket carries no information, so forget the oldest when there are too many. */
const MAX_KEYS = 50_000;

function bucketIn<B extends Bucket>(map: Map<string, B>, key: string, make: () => B): B {
  let b = map.get(key);
  if (b === undefined) {
    if (map.size >= MAX_KEYS) map.delete(map.keys().next().value!);
    b = make();
    map.set(key, b);
  }
  return b;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly global: Bucket;
  private readonly ips = new Map<string, Bucket>();
  private readonly sessions = new Map<string, SessionBucket>();
  private readonly abuseStrikes: number;

  constructor(private readonly limits: RateLimits) {
    this.global = { tokens: limits.global.capacity, atMs: performance.now() };
    this.abuseStrikes = limits.abuseStrikes ?? DEFAULT_ABUSE_STRIKES;
  }

  take(ip: string, sessionId: string): RateVerdict {
    const now = performance.now();
    const { session: ss, ip: is, global: gs } = this.limits;
    const s = bucketIn(this.sessions, sessionId, () => ({ tokens: ss.capacity, atMs: now, strikes: 0 }));
    // Strikes leak at the rate the session may send: only a sustained excess piles them up.
    s.strikes = Math.max(0, s.strikes - ((now - s.atMs) / 1000) * ss.refillPerSec);
    refill(s, ss, now);
    if (s.tokens < 1) {
      s.strikes++;
      // Rounded: the leak is fractional, the count of refusals is not.
      return this.abuseStrikes > 0 && Math.round(s.strikes) >= this.abuseStrikes ? PERSISTENT_ABUSE : REASON.session;
    }
    const i = bucketIn(this.ips, ip, () => ({ tokens: is.capacity, atMs: now }));
    refill(i, is, now);
    if (i.tokens < 1) return REASON.ip;
    refill(this.global, gs, now);
    if (this.global.tokens < 1) return REASON.global;
    s.tokens--;
    i.tokens--;
    this.global.tokens--;
    return null;
  }
}

/**
 * KEYS: bucket hashes. ARGV: now_ms, then capacity, refill/s and tokens taken, per key.
 * Each bucket is refilled, then the tokens taken since the last batch are subtracted (down to at
 * most one capacity in debt). Returns the 1-based indexes of the buckets left empty.
 */
const BATCH_SCRIPT = `
local now = tonumber(ARGV[1])
local empty = {}
for i = 1, #KEYS do
  local cap = tonumber(ARGV[i * 3 - 1])
  local rate = tonumber(ARGV[i * 3])
  local n = tonumber(ARGV[i * 3 + 1])
  local b = redis.call('HMGET', KEYS[i], 't', 'at')
  local t = tonumber(b[1]) or cap
  local at = tonumber(b[2]) or now
  if now > at then t = math.min(cap, t + (now - at) / 1000 * rate) end
  t = math.max(-cap, t - n)
  redis.call('HSET', KEYS[i], 't', t, 'at', now)
  redis.call('PEXPIRE', KEYS[i], math.ceil(cap / rate * 1000) + 1000)
  if t < 1 then empty[#empty + 1] = i end
end
return empty
`;

interface Pending {
  spec: BucketSpec;
  taken: number;
  reason: string;
}

export class RedisRateLimiter implements RateLimiter {
  private readonly local: MemoryRateLimiter;
  /** Tokens taken locally since the last batch, per shared bucket key. */
  private pending = new Map<string, Pending>();
  /** Shared buckets the last batch found empty: refused locally until the next batch. */
  private empty = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly limits: RateLimits,
    private readonly opts: { syncMs?: number; log?: (line: string) => void } = {},
  ) {
    this.local = new MemoryRateLimiter(limits);
  }

  take(ip: string, sessionId: string): RateVerdict {
    const verdict = this.local.take(ip, sessionId);
    if (verdict !== null) return verdict;
    const keys = [`exai:rl:session:${sessionId}`, `exai:rl:ip:${ip}`, 'exai:rl:global'];
    for (const k of keys) {
      const reason = this.empty.get(k);
      if (reason !== undefined) return reason;
    }
    this.count(keys[0], this.limits.session, REASON.session);
    this.count(keys[1], this.limits.ip, REASON.ip);
    this.count(keys[2], this.limits.global, REASON.global);
    this.timer ??= setTimeout(() => void this.flush(), this.opts.syncMs ?? 100).unref();
    return null;
  }

  private count(key: string, spec: BucketSpec, reason: string): void {
    const p = this.pending.get(key);
    if (p) p.taken++;
    else this.pending.set(key, { spec, taken: 1, reason });
  }

  /** Send the tokens taken since the last batch; learn which shared buckets are empty. */
  async flush(): Promise<void> {
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size === 0) return;
    const keys = [...batch.keys()];
    const args: (string | number)[] = [Date.now()];
    for (const p of batch.values()) args.push(p.spec.capacity, p.spec.refillPerSec, p.taken);
    try {
      const emptyIdx = (await this.redis.eval(BATCH_SCRIPT, keys.length, ...keys, ...args)) as number[];
      const empty = new Map<string, string>();
      for (const i of emptyIdx) empty.set(keys[i - 1], batch.get(keys[i - 1])!.reason);
      this.empty = empty;
      if (this.failing) this.opts.log?.('rate limiter store recovered');
      this.failing = false;
    } catch (err) {
      // Fail open on the shared part (a Redis outage must not stop the daemon; the local buckets
      // still hold), and say so once per outage, not once per message.
      this.empty = new Map();
      if (!this.failing) this.opts.log?.(`rate limiter store failed, local limits only: ${(err as Error).message}`);
      this.failing = true;
    }
  }
}
