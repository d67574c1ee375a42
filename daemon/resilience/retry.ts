/**
 * Provider retries: exponential backoff with full jitter, a server's Retry-After honoured, and
 * never past the call's deadline (the tool timeout). Only errors the classifier marks retryable
 * are retried.
 */
export interface RetryPolicy {
  maxRetries: number;
  baseMs: number;
  maxMs: number;
}

export interface RetryDecision {
  retry: boolean;
  /** From a Retry-After header, when the server sent one. */
  retryAfterMs?: number;
}


export function backoffMs(attempt: number, p: RetryPolicy, rng: () => number = Math.random): number {
  const ceiling = Math.min(p.maxMs, p.baseMs * 2 ** attempt);
  return rng() * ceiling;
}

/** Retry-After is seconds or an HTTP date (RFC 9110). */
export function parseRetryAfter(value: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  opts: {
    policy: RetryPolicy;
    deadlineMs: number;
    signal: AbortSignal;
    classify: (err: unknown) => RetryDecision;
    rng?: () => number;
  },
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (opts.signal.aborted || n >= opts.policy.maxRetries) throw err;
      const d = opts.classify(err);
      if (!d.retry) throw err;
      const wait = Math.max(d.retryAfterMs ?? 0, backoffMs(n, opts.policy, opts.rng));
      // A retry that cannot finish before the deadline only delays the error.
      if (performance.now() + wait >= opts.deadlineMs) throw err;
      await sleep(wait, opts.signal);
    }
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
