/**
 * Canonical JSON: object keys sorted at every depth, no whitespace, as Python's
 * `json.dumps(message, sort_keys=True)` orders them (the seed hashes that form to dedup sends;
 * its separators differ, which changes the hash's input but not which frames are equal).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
