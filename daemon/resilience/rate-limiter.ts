/**
 * Per-message token buckets (EXAI-PROTOCOL.md): global, per client IP, per session. A message
 * takes one token from each; if any bucket is empty none is taken and the message is refused.
 * In memory (synchronous) or in Redis (one atomic script per message, shared by every daemon).
 */
import type { Redis } from 'ioredis';
import type { BucketSpec } from '../config.ts';

/** null = allowed; otherwise the reason sent in OVER_CAPACITY. */
export type RateVerdict = string | null;

export interface RateLimiter {
  take(ip: string, sessionId: string): RateVerdict | Promise<RateVerdict>;
}

export interface RateLimits {
  global: BucketSpec;
  ip: BucketSpec;
  session: BucketSpec;
}

const REASONS = ['global rate limit', 'per-IP rate limit', 'per-session rate limit'];

interface Bucket {
  tokens: number;
  atMs: number;
}

function refill(b: Bucket, spec: BucketSpec, nowMs: number): void {
  b.tokens = Math.min(spec.capacity, b.tokens + ((nowMs - b.atMs) / 1000) * spec.refillPerSec);
  b.atMs = nowMs;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly global: Bucket;
  private readonly ips = new Map<string, Bucket>();
  private readonly sessions = new Map<string, Bucket>();

  constructor(private readonly limits: RateLimits) {
    this.global = { tokens: limits.global.capacity, atMs: performance.now() };
  }

  take(ip: string, sessionId: string): RateVerdict {
    const now = performance.now();
    const g = this.global;
    const i = this.bucket(this.ips, ip, this.limits.ip, now);
    const s = this.bucket(this.sessions, sessionId, this.limits.session, now);
    refill(g, this.limits.global, now);
    refill(i, this.limits.ip, now);
    refill(s, this.limits.session, now);
    if (g.tokens < 1) return REASONS[0];
    if (i.tokens < 1) return REASONS[1];
    if (s.tokens < 1) return REASONS[2];
    g.tokens--;
    i.tokens--;
    s.tokens--;
    return null;
  }

  private bucket(map: Map<string, Bucket>, key: string, spec: BucketSpec, now: number): Bucket {
    let b = map.get(key);
    if (b === undefined) {
      // Bounded: a full bucket carries no information, so forget the oldest when there are too many.
      if (map.size >= 50_000) map.delete(map.keys().next().value!);
      b = { tokens: spec.capacity, atMs: now };
      map.set(key, b);
    }
    return b;
  }
}

/**
 * KEYS: global, ip, session bucket hashes. ARGV: now_ms, then capacity and refill/s per bucket.
 * Returns 0 when allowed, else the 1-based index of the first empty bucket.
 */
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local tokens = {}
for i = 1, 3 do
  local cap = tonumber(ARGV[i * 2])
  local rate = tonumber(ARGV[i * 2 + 1])
  local b = redis.call('HMGET', KEYS[i], 't', 'at')
  local t = tonumber(b[1]) or cap
  local at = tonumber(b[2]) or now
  if now > at then t = math.min(cap, t + (now - at) / 1000 * rate) end
  tokens[i] = t
  if t < 1 then return i end
end
for i = 1, 3 do
  local cap = tonumber(ARGV[i * 2])
  local rate = tonumber(ARGV[i * 2 + 1])
  redis.call('HSET', KEYS[i], 't', tokens[i] - 1, 'at', now)
  redis.call('PEXPIRE', KEYS[i], math.ceil(cap / rate * 1000) + 1000)
end
return 0
`;

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limits: RateLimits,
  ) {}

  async take(ip: string, sessionId: string): Promise<RateVerdict> {
    const { global: g, ip: i, session: s } = this.limits;
    const r = (await this.redis.eval(
      TAKE_SCRIPT, 3, 'exai:rl:global', `exai:rl:ip:${ip}`, `exai:rl:session:${sessionId}`,
      Date.now(), g.capacity, g.refillPerSec, i.capacity, i.refillPerSec, s.capacity, s.refillPerSec,
    )) as number;
    return r === 0 ? null : REASONS[r - 1];
  }
}
