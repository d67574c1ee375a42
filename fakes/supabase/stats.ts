/**
 * Request counters served on GET /__stats, so tests and the harness can see what the fake saw.
 * Alike in shape to fakes/provider/stats.ts, not in content: each fake counts its own outcomes.
 */
import { FUNCTIONS } from './rpc.ts';
import { findTable } from './tables.ts';

export interface SupabaseStats {
  /** /rest/v1 and /storage/v1 requests (any outcome); /__control and /__stats excluded. */
  requests: number;
  /** By "METHOD table", "METHOD rpc/fn" or "METHOD storage"; unknown names count as "(unknown)". */
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  /** 503s injected by errorRate. */
  injectedFaults: number;
  /** Requests received whose answer has not been sent yet (delayed by the latency model, or in the store). */
  inFlight: number;
}

export function newStats(): SupabaseStats {
  return { requests: 0, byRoute: {}, byStatus: {}, injectedFaults: 0, inFlight: 0 };
}

/** Bounded key set: only declared tables and functions get their own counter. */
export function routeKey(method: string, path: string): string {
  if (path.startsWith('/storage/v1/')) return `${method} storage`;
  const name = path.slice('/rest/v1/'.length);
  if (name.startsWith('rpc/')) return `${method} ${FUNCTIONS.has(name.slice(4)) ? name : 'rpc/(unknown)'}`;
  return `${method} ${findTable(name) ? name : '(unknown)'}`;
}

export function count(stats: SupabaseStats, route: string, status: number): void {
  stats.requests++;
  stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
  const s = String(status);
  stats.byStatus[s] = (stats.byStatus[s] ?? 0) + 1;
}
