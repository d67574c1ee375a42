/**
 * Turn a relative expire argument into an absolute unix-ms time with Redis's checks, shared by
 * SET EX/PX, SETEX, EXPIRE and PEXPIRE so they reject the same inputs with the same errors.
 */
import { INT64_MAX, mulInt64, parseInt64 } from '../int64.ts';

export type ExpireParse = { at: number } | { error: 'not-integer' | 'invalid' };

/**
 * `unitMs` is 1000 for seconds, 1 for milliseconds. `allowNonPositive`: EXPIRE accepts 0 and
 * negative (the key is deleted at once); SET and SETEX call that an invalid expire time.
 */
export function expireAt(raw: string, unitMs: 1 | 1000, now: number, allowNonPositive: boolean): ExpireParse {
  const v = parseInt64(raw);
  if (v === undefined) return { error: 'not-integer' };
  if (!allowNonPositive && v <= 0) return { error: 'invalid' };
  const ms = mulInt64(v, unitMs);
  if (ms === undefined) return { error: 'invalid' };
  // A safe-integer ms is far from int64's ends: no overflow possible, stay in doubles.
  if (typeof ms === 'number') return { at: ms + now };
  // Redis: `when > LLONG_MAX - basetime` is an overflow.
  if (ms > INT64_MAX - BigInt(now)) return { error: 'invalid' };
  return { at: Number(ms + BigInt(now)) };
}
