/**
 * Requests-per-minute and tokens-per-minute limits, as GLM and Kimi enforce them: over either,
 * the answer is 429 with a Retry-After of the whole seconds until the request would fit. Each is a
 * token bucket holding a minute's allowance and refilled continuously (a sliding minute without
 * keeping every request's time). A request's tokens are its prompt plus its reply, charged when it
 * is admitted, as providers reserve `max_tokens` up front.
 */
export interface RateLimitSpec {
  /** Requests per minute; null = unlimited. */
  rpm: number | null;
  /** Tokens (prompt + completion) per minute; null = unlimited. */
  tpm: number | null;
}

export const NO_LIMITS: RateLimitSpec = { rpm: null, tpm: null };

export type LimitVerdict = { ok: true } | { ok: false; limit: 'rpm' | 'tpm'; retryAfterSec: number };

class Bucket {
  private level: number;
  private at: number;
  constructor(readonly perMinute: number, now: number) {
    this.level = perMinute;
    this.at = now;
  }

  /** Seconds until `n` fits (0 = it fits now). */
  waitFor(n: number, now: number): number {
    this.level = Math.min(this.perMinute, this.level + ((now - this.at) / 60_000) * this.perMinute);
    this.at = now;
    if (this.level >= n) return 0;
    // A request larger than a whole minute's allowance waits for the bucket to be full.
    const need = Math.min(n, this.perMinute) - this.level;
    return (need / this.perMinute) * 60;
  }

  take(n: number): void {
    this.level -= n;
  }
}

export class RateLimits {
  private rpm: Bucket | null = null;
  private tpm: Bucket | null = null;
  private spec: RateLimitSpec = NO_LIMITS;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** New limits start with full buckets (as after a provider's minute rolls over). */
  configure(spec: RateLimitSpec): void {
    if (spec.rpm === this.spec.rpm && spec.tpm === this.spec.tpm) return;
    this.spec = spec;
    const t = this.now();
    this.rpm = spec.rpm === null ? null : new Bucket(spec.rpm, t);
    this.tpm = spec.tpm === null ? null : new Bucket(spec.tpm, t);
  }

  /** Admit one request of `tokens` tokens, or say which limit it hit and when to come back. */
  admit(tokens: number): LimitVerdict {
    const t = this.now();
    const r = this.rpm?.waitFor(1, t) ?? 0;
    if (r > 0) return { ok: false, limit: 'rpm', retryAfterSec: Math.max(1, Math.ceil(r)) };
    const k = this.tpm?.waitFor(tokens, t) ?? 0;
    if (k > 0) return { ok: false, limit: 'tpm', retryAfterSec: Math.max(1, Math.ceil(k)) };
    this.rpm?.take(1);
    this.tpm?.take(tokens);
    return { ok: true };
  }
}
