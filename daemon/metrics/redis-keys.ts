/**
 * Where the fast backend keeps cross-process state in Redis (shared by the writer, fast-sinks.ts,
 * and the reader, cluster.ts):
 * - INDEX_KEY: hash instanceId -> JSON { backend, lastFlushMs };
 * - instanceKey(id): hash of cumulative counters, fields `t:<column>` (totals) and `c:<client>:<column>`;
 * - latencyKey(id): hash stage -> the instance's whole history of that stage, as LogHistogram text
 *   (`lh1;...`, log-histogram.ts); a compressed base64 HdrHistogram from older versions is read too.
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
