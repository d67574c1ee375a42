/** Backoff, Retry-After parsing and the deadline rule of provider retries. */
import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter, withRetries } from './retry.ts';

describe('retry', () => {
  it('backs off exponentially with full jitter, capped', () => {
    const p = { maxRetries: 5, baseMs: 100, maxMs: 1000 };
    expect(backoffMs(0, p, () => 0.999)).toBeCloseTo(99.9);
    expect(backoffMs(3, p, () => 0.5)).toBe(400);
    expect(backoffMs(10, p, () => 1)).toBe(1000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('stops retrying when the next wait would pass the deadline', async () => {
    let attempts = 0;
    const t0 = performance.now();
    await expect(
      withRetries(async () => {
        attempts++;
        throw new Error('busy');
      }, {
        policy: { maxRetries: 10, baseMs: 1, maxMs: 1 },
        deadlineMs: performance.now() + 200,
        signal: new AbortController().signal,
        classify: () => ({ retry: true, retryAfterMs: 150 }),
      }),
    ).rejects.toThrow('busy');
    expect(attempts).toBe(2); // first try, one retry after 150 ms; a second 150 ms wait would pass the deadline
    expect(performance.now() - t0).toBeLessThan(250);
  });

  it('does not retry what the classifier refuses', async () => {
    let attempts = 0;
    await expect(withRetries(async () => {
      attempts++;
      throw new Error('bad request');
    }, { policy: { maxRetries: 3, baseMs: 1, maxMs: 1 }, deadlineMs: performance.now() + 10_000, signal: new AbortController().signal, classify: () => ({ retry: false }) })).rejects.toThrow();
    expect(attempts).toBe(1);
  });
});
