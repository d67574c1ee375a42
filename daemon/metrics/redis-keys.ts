/**
 * Where the fast backend keeps cross-process state in Redis (shared by the writer, fast-sinks.ts,
 * and the reader, cluster.ts):
 * - INDEX_KEY: hash instanceId -> JSON { backend, lastFlushMs };
 * - instanceKey(id): hash of cumulative counters, fields `t:<column>` (totals) and `c:<client>:<column>`;
 * - latencyKey(id): hash of the instance's whole history of each stage's latency, LogHistogram
 *   buckets (log-histogram.ts) as fields `<stage>:<index>` (a count, both decimal) and `<stage>:max`,
 *   so a flush adds the buckets that grew (HINCRBY) and never re-sends the rest. Earlier versions
 *   wrote one field per stage, `<stage>`, holding the whole histogram as LogHistogram text (`lh1;...`)
 *   or, before that, a compressed base64 HdrHistogram; both are read too.
 */
export const KEY_PREFIX = 'overbench:metrics:';
export const INDEX_KEY = `${KEY_PREFIX}instances`;
/** Instance keys expire a day after their last flush, so dead instances fade away. */
export const INSTANCE_TTL_SEC = 86_400;

export function instanceKey(instanceId: string): string {
  return `${KEY_PREFIX}${instanceId}`;
}

export function latencyKey(instanceId: string): string {
  return `${KEY_PREFIX}${instanceId}:latency`;
}

export function totalField(column: string): string {
  return `t:${column}`;
}

export function clientField(clientId: string, column: string): string {
  return `c:${clientId}:${column}`;
}

/** Inverse of totalField/clientField; client ids may contain ':' so split at the last one. */
export function parseField(field: string): { client: string | null; column: string } | null {
  if (field.startsWith('t:')) return { client: null, column: field.slice(2) };
  if (!field.startsWith('c:')) return null;
  const cut = field.lastIndexOf(':');
  if (cut <= 2) return null;
  return { client: field.slice(2, cut), column: field.slice(cut + 1) };
}

export type LatencyField =
  | { stage: string; kind: 'bucket'; index: number }
  | { stage: string; kind: 'max' }
  | { stage: string; kind: 'whole' };

/** What a field of latencyKey(id) holds (stage names have no ':'); null for a field of none of the three kinds. */
export function parseLatencyField(field: string): LatencyField | null {
  const cut = field.indexOf(':');
  if (cut < 0) return { stage: field, kind: 'whole' };
  const stage = field.slice(0, cut);
  const rest = field.slice(cut + 1);
  if (rest === 'max') return { stage, kind: 'max' };
  return /^\d+$/.test(rest) ? { stage, kind: 'bucket', index: Number(rest) } : null;
}
