/** JSON.parse with the place of a syntax error as "line L, column C" (V8 gives a position, or nothing at the end). */
export function parseJsonWithPlace(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    const place = `line ${before.length}, column ${before[before.length - 1].length + 1}`;
    // "Unexpected token } in JSON at position 12" / "Expected ',' or '}' after property value in JSON at position 12 (line 1 column 13)"
    const what = message.replace(/^JSON\.parse: /, '').replace(/,? (in JSON )?at position \d+.*$/, '').replace(/ in JSON$/, '');
    throw new Error(`invalid JSON at ${place}: ${what}`);
  }
}

/**
 * Canonical JSON: object keys sorted at every depth, undefined members left out, no whitespace,
 * in the key order of Python's `json.dumps(value, sort_keys=True)` (the seed hashes that form for
 * its result cache and its send dedup; its separators differ, which changes a hash's input but not
 * which values are equal).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
