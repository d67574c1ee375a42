import type { ClientCounters } from './types.ts';

/** The counters of ClientCounters in a fixed order: the column index used by typed-array backends. */
export const COUNTER_NAMES = [
  'messagesReceived', 'messagesSent', 'errors', 'connectionsOpened', 'connectionsClosed',
  'reconnects', 'dedupHits', 'cacheHits', 'cacheMisses',
] as const satisfies readonly (keyof ClientCounters)[];
export type CounterName = (typeof COUNTER_NAMES)[number];

/** Prometheus metric name of each counter (snake_case, `_total` suffix). */
export const PROM_COUNTER_NAMES: Record<CounterName, string> = {
  messagesReceived: 'overbench_messages_received_total',
  messagesSent: 'overbench_messages_sent_total',
  errors: 'overbench_errors_total',
  connectionsOpened: 'overbench_connections_opened_total',
  connectionsClosed: 'overbench_connections_closed_total',
  reconnects: 'overbench_reconnects_total',
  dedupHits: 'overbench_dedup_hits_total',
  cacheHits: 'overbench_cache_hits_total',
  cacheMisses: 'overbench_cache_misses_total',
};

export function addCounters(into: ClientCounters, from: ClientCounters): ClientCounters {
  for (const name of COUNTER_NAMES) into[name] += from[name];
  return into;
}
