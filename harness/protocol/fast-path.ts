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

/**
 * The request id of `buf` if it starts with `prefix.bytes` followed by 1..15 digits and a quote,
 * contains no `"error"` token, and ends with `}`; otherwise -1 (use the slow path).
 */
export function fastRequestId(buf: Buffer, prefix: Buffer): number {
  const n = prefix.length;
  const len = buf.length;
  if (len <= n + 2 || buf[len - 1] !== CLOSE_BRACE) return -1;
  if (buf.compare(prefix, 0, n, 0, n) !== 0) return -1;
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
  if (buf.indexOf(ERROR_TOKEN, i) !== -1) return -1;
  return id;
}
