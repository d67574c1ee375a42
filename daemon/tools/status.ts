/**
 * `status`: the daemon's state from memory. No I/O and no awaits: this is the CPU-only round trip
 * the overhead scenarios drive, so the rendered text is cached until the state or the second changes.
 */
import type { LiveState } from '../live-state.ts';
import type { SyncTool } from './types.ts';

export function createStatusTool(live: LiveState, backend: string): SyncTool {
  let cachedVersion = -1;
  let cachedSecond = -1;
  let cachedJson = '';
  return {
    kind: 'sync',
    name: 'status',
    description: 'Daemon status from memory: uptime, connections, calls in flight, circuit breakers.',
    inputSchema: { type: 'object', properties: {}, additionalProperties: true },
    runJson(_args, nowMs) {
      const second = Math.floor((nowMs - live.startedAtMs) / 1000);
      if (second !== cachedSecond || live.version !== cachedVersion) {
        cachedSecond = second;
        cachedVersion = live.version;
        const text = JSON.stringify({
          status: 'ok',
          uptime_s: second,
          connections: live.connections,
          inflight: live.inflight,
          metrics_backend: backend,
          circuits: live.circuits,
        });
        cachedJson = JSON.stringify(text);
      }
      return cachedJson;
    },
  };
}
