/**
 * Redis's signed 64-bit integers, exactly: the strict parse of `string2ll` ("01", "+1", " 1",
 * "-0" and "1.0" are not integers) and overflow detection on add. Short values (<= 15 chars,
 * |n| < 1e15) stay plain numbers, exact in a double, so the common INCR never allocates a
 * BigInt; longer ones go through BigInt.
 */
export type Int64 = number | bigint;

export const INT64_MAX = (1n << 63n) - 1n;
export const INT64_MIN = -(1n << 63n);

const INTEGER_RE = /^(?:0|-?[1-9][0-9]*)$/;

/** The integer a string holds, or undefined when Redis would say "not an integer". */
export function parseInt64(s: string): Int64 | undefined {
  if (s.length === 0 || s.length > 20 || !INTEGER_RE.test(s)) return undefined;
  if (s.length <= 15) return Number(s);
  const n = BigInt(s);
  return n > INT64_MAX || n < INT64_MIN ? undefined : n;
}

/** a + b, or undefined when the sum leaves int64 ("increment or decrement would overflow"). */
export function addInt64(a: Int64, b: Int64): Int64 | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b; // exact whenever the true sum is a safe integer
    if (Number.isSafeInteger(s)) return s;
  }
  const sum = BigInt(a) + BigInt(b);
  if (sum > INT64_MAX || sum < INT64_MIN) return undefined;
  return Number.isSafeInteger(Number(sum)) ? Number(sum) : sum;
}

/** a * b when it fits in int64, else undefined (EX seconds -> milliseconds). */
export function mulInt64(a: Int64, b: number): Int64 | undefined {
  if (typeof a === 'number' && Number.isSafeInteger(a * b)) return a * b;
  const p = BigInt(a) * BigInt(b);
  return p > INT64_MAX || p < INT64_MIN ? undefined : p;
}
