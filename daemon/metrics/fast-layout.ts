import { COUNTER_NAMES } from './counter-names.ts';

/**
 * Column layout of one client's slot in the fast backend's Float64Array (and of the flushed copy
 * and the Redis hash fields). Counters first, in COUNTER_NAMES order, so column k is counter k.
 * Float64 keeps integer counts exact up to 2^53, far past any daemon's lifetime.
 */
export const Col = {
  messagesReceived: 0, messagesSent: 1, errors: 2, connectionsOpened: 3, connectionsClosed: 4,
  reconnects: 5, dedupHits: 6, cacheHits: 7, cacheMisses: 8,
  bytesReceived: 9, bytesSent: 10, lastActivityMs: 11,
} as const;
export const STRIDE = 12;
/** Columns that are sums (flushed to Redis as deltas); lastActivity is not. */
export const SUMMED_COLUMNS = COUNTER_NAMES.length + 2;
export const COLUMN_NAMES = [...COUNTER_NAMES, 'bytesReceived', 'bytesSent'] as const;
