/**
 * `autocannon --json` output (and the object its programmatic API resolves with) as one measured
 * window. Fields as autocannon 9 writes them (lib/aggregateResult.js): `duration` in seconds,
 * `requests.total` completed responses (non-2xx included), `errors` socket errors and timeouts
 * (lib/run.js counts a timeout in both), `non2xx`, `mismatches`, and `latency` in milliseconds
 * with the percentiles of hdr-histogram-percentiles-obj: p0_001 ... p50, p75, p90, p97_5, p99,
 * p99_9 ... There is no p95 (and no histogram), so the window carries no latency summary the
 * comparisons could read: its latency percentiles are kept in `extra` (microseconds), and
 * throughput and error rate are compared.
 */
import { UsageError } from '../../common/exit-codes.ts';
import type { IngestedWindow } from './window.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The autocannon percentiles kept, as `extra` keys in microseconds. */
const KEPT: Record<string, string> = { p50: 'latencyP50Us', p90: 'latencyP90Us', p97_5: 'latencyP97_5Us', p99: 'latencyP99Us', p99_9: 'latencyP99_9Us', max: 'latencyMaxUs', mean: 'latencyMeanUs' };

export function isAutocannonResult(data: unknown): boolean {
  return isObject(data) && isObject(data.requests) && isObject(data.latency) && typeof data.duration === 'number';
}

export function ingestAutocannon(data: unknown, file: string): IngestedWindow {
  if (!isAutocannonResult(data)) throw new UsageError(`${file}: not an autocannon result (expected "requests", "latency" and "duration", from autocannon --json)`);
  const d = data as { requests: Record<string, unknown>; latency: Record<string, unknown>; duration: number } & Record<string, unknown>;
  const completed = num(d.requests.total);
  if (completed === undefined) throw new UsageError(`${file}: requests.total is missing`);
  const failed = num(d.errors) ?? 0;
  const bad = (num(d.non2xx) ?? 0) + (num(d.mismatches) ?? 0);
  const extra: Record<string, number> = {};
  for (const [k, name] of Object.entries(KEPT)) {
    const v = num(d.latency[k]);
    if (v !== undefined) extra[name] = v * 1000;
  }
  const byKind: Record<string, number> = {};
  if (num(d.timeouts)) byKind.timeout = d.timeouts as number;
  if (failed - (num(d.timeouts) ?? 0) > 0) byKind.socket = failed - (num(d.timeouts) ?? 0);
  if (num(d.non2xx)) byKind.non2xx = d.non2xx as number;
  if (num(d.mismatches)) byKind.mismatch = d.mismatches as number;
  return {
    // Every request that ended: answered (any status) or failed at the socket.
    requests: completed + failed,
    errors: failed + bad,
    errorsByKind: byKind,
    durationSec: d.duration,
    latencyUs: null,
    histogram: null,
    extra,
  };
}
