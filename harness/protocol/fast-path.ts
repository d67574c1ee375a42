/**
 * Reading a reply without JSON.parse, for the common case only. The EXAI daemon's frames start
 * with `{"op":"<op>","request_id":"<digits>"`; when a frame starts exactly so, has no `"error"`
 * token anywhere, and ends with `}`, its op and request id are all the driver needs. Anything
 * else (other key orders, errors, odd ids) goes through JSON.parse, so correctness does not rest
 * on this. Why it is safe: inside a JSON string every `"` is escaped, so the bytes `"error"` can
 * only be a key or a whole string value, never part of other text; and the first key of the
 * top-level object can only be the first bytes of the frame.
 * Measured by harness/bench/classify-bench.ts: it saves the utf-8 decode and the parse, which
 * were the largest per-request costs of the driver against a fast target.
 */

const ERROR_TOKEN = Buffer.from('"error"');
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;

export interface FastPrefix {
  readonly bytes: Buffer;
  /** What the frame means if it matches: the op decides terminal or partial. */
  readonly terminal: boolean;
}

export function exaiPrefix(op: string, terminal: boolean): FastPrefix {
  return { bytes: Buffer.from(`{"op":"${op}","request_id":"`), terminal };
}

/** Beyond this many bytes the native search wins; below it, its call overhead dominates. */
const NATIVE_SEARCH_FROM = 256;

/**
 * The request id of `buf` if it starts with `prefix` followed by 1..15 digits and a quote,
 * contains no `"error"` token, and ends with `}`; otherwise -1 (use the slow path).
 * Byte loops rather than Buffer.compare/indexOf: for a ~100-byte reply the native calls' own
 * overhead was most of the cost.
 */
export function fastRequestId(buf: Buffer, prefix: Buffer): number {
  const n = prefix.length;
  const len = buf.length;
  if (len <= n + 2 || buf[len - 1] !== CLOSE_BRACE) return -1;
  for (let k = 0; k < n; k++) if (buf[k] !== prefix[k]) return -1;
  let id = 0;
  let i = n;
  const end = Math.min(len, n + 16);
  for (; i < end; i++) {
    const c = buf[i];
    if (c === QUOTE) break;
    if (c < 0x30 || c > 0x39) return -1;
    id = id * 10 + (c - 0x30);
  }
  if (i === n || i === end || id === 0) return -1;
  return hasErrorToken(buf, i) ? -1 : id;
}

/** Whether the bytes `"error"` occur in `buf` from `from` on. */
function hasErrorToken(buf: Buffer, from: number): boolean {
  const last = buf.length - 7;
  if (last - from > NATIVE_SEARCH_FROM) return buf.indexOf(ERROR_TOKEN, from) !== -1;
  for (let k = from; k <= last; k++) {
    if (
      buf[k] === QUOTE &&
      buf[k + 1] === 0x65 && // e
      buf[k + 2] === 0x72 && // r
      buf[k + 3] === 0x72 && // r
      buf[k + 4] === 0x6f && // o
      buf[k + 5] === 0x72 && // r
      buf[k + 6] === QUOTE
    ) {
      return true;
    }
  }
  return false;
}
