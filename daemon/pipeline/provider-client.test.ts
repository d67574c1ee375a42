import { describe, expect, it } from 'vitest';
import { attemptTimeout, DEADLINE_GRACE_MS } from './provider-client.ts';

describe('attemptTimeout', () => {
  it('is the attempt timeout while the deadline is further away', () => {
    expect(attemptTimeout(2000, 5000)).toBe(2000);
    expect(attemptTimeout(2000.2, 2000.5)).toBe(2001);
  });

  it('ends after the call deadline when that is nearer, so the call timer reports TIMEOUT first', () => {
    expect(attemptTimeout(2000, 300)).toBe(300 + DEADLINE_GRACE_MS);
    expect(attemptTimeout(2000, 299.4)).toBeGreaterThan(299.4);
  });

  it('is at least 1 ms, also past the deadline', () => {
    expect(attemptTimeout(0.2, 500)).toBe(1);
    expect(attemptTimeout(2000, -DEADLINE_GRACE_MS - 10)).toBe(1);
  });
});
