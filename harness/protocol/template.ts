import type { RequestBuilder } from './adapter.ts';

/**
 * Serialise a frame once with placeholders, then build each request by concatenation: JSON.stringify
 * per request was a measurable share of the driver's per-request cost (harness/bench/driver-bench.ts).
 * Put `ID_NUMBER` where the id is a JSON number, `ID_TEXT` inside a string where it is text.
 */
export const ID_NUMBER = '\u0000@@overbench-id-number@@';
export const ID_TEXT = '@@overbench-id@@';

export function compileTemplate(frame: unknown): RequestBuilder {
  const json = JSON.stringify(frame);
  // A number placeholder was serialised as a string: drop its quotes (and the escaped NUL).
  const quotedNumber = JSON.stringify(ID_NUMBER);
  const parts = json.split(quotedNumber).join(ID_TEXT).split(ID_TEXT);
  if (parts.length === 1) return () => json;
  if (parts.length === 2) {
    const [a, b] = parts;
    return (id) => a + id + b;
  }
  if (parts.length === 3) {
    const [a, b, c] = parts;
    return (id) => a + id + b + id + c;
  }
  return (id) => parts.join(String(id));
}

/** `args` with ` #<id>` appended to the string field `field` (added if absent). */
export function withUniqueField(args: Record<string, unknown>, field: string | undefined): Record<string, unknown> {
  if (field === undefined) return args;
  const current = args[field];
  const base = typeof current === 'string' ? `${current} #` : '#';
  return { ...args, [field]: base + ID_TEXT };
}

/** A request id read back from a frame: a positive integer, as a number or a decimal string; else NaN. */
export function parseRequestId(value: unknown): number {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : NaN;
  if (typeof value === 'string' && value.length > 0 && value.length < 16) {
    const n = Number(value);
    return Number.isInteger(n) && n > 0 ? n : NaN;
  }
  return NaN;
}

/** The code of an error payload: `{code}` objects, bare strings, JSON-RPC numeric codes. */
export function errorCode(error: unknown): string | undefined {
  if (error === undefined || error === null || error === false) return undefined;
  if (typeof error === 'string') return error || 'ERROR';
  if (typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (typeof code === 'number') return String(code);
  }
  return 'ERROR';
}
