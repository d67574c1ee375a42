/**
 * A scenario's `httpLoad`: autocannon reading each reference daemon's monitoring endpoints
 * (/health, /metrics.json, /metrics by default) at a steady rate for as long as the target is up,
 * so the cost of being watched (rendering metrics while the WebSocket load runs) lands in the
 * measured windows like any other load, the same for both variants. autocannon runs in the harness
 * process, whose CPU is not the target's; when the target stops, one line on stderr says what the
 * HTTP load did (requests, errors, latency), read from autocannon's own result
 * (harness/ingest/autocannon.ts reads the same object; its latency has autocannon's 1 ms resolution).
 */
import autocannon from 'autocannon';
import { UsageError } from '../../common/exit-codes.ts';
import { fmtUs } from '../../common/format.ts';
import { ingestAutocannon } from '../ingest/autocannon.ts';
import type { RunningTarget } from '../targets/types.ts';

export interface HttpLoadSpec {
  paths: string[];
  connections: number;
  ratePerSec?: number;
}

export interface HttpLoadOutcome {
  requests: number;
  errors: number;
  errorsByKind: Record<string, number>;
  durationSec: number;
  latencyP50Us?: number;
  latencyP99Us?: number;
}

/** Long enough to outlast any run; the load is stopped with its target. */
const UNTIL_STOPPED_SEC = 7 * 24 * 3600;

/** Start the load on one target; `stop()` ends it and resolves with what autocannon measured. */
export function startMonitoringLoad(monitoringUrl: string, spec: HttpLoadSpec, token?: string): { stop(): Promise<HttpLoadOutcome> } {
  let result: autocannon.Result | undefined;
  let failed: Error | undefined;
  let stopInstance = () => {};
  const finished = new Promise<void>((resolve) => {
    const instance = autocannon(
      {
        url: monitoringUrl,
        connections: spec.connections,
        ...(spec.ratePerSec !== undefined && { overallRate: spec.ratePerSec }),
        duration: UNTIL_STOPPED_SEC,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        // Each connection walks the paths in turn.
        requests: spec.paths.map((path) => ({ method: 'GET' as const, path })),
      },
      (err, res) => {
        if (err) failed = err;
        result = res;
        resolve();
      },
    );
    stopInstance = () => instance.stop();
  });
  return {
    async stop() {
      stopInstance();
      await finished;
      if (failed || !result) throw new Error(`http load on ${monitoringUrl}: ${failed?.message ?? 'no result'}`);
      const w = ingestAutocannon(result, monitoringUrl);
      return {
        requests: w.requests,
        errors: w.errors,
        errorsByKind: w.errorsByKind ?? {},
        durationSec: w.durationSec,
        latencyP50Us: w.extra?.latencyP50Us,
        latencyP99Us: w.extra?.latencyP99Us,
      };
    },
  };
}

export function describeOutcome(label: string, spec: HttpLoadSpec, o: HttpLoadOutcome): string {
  const kinds = Object.entries(o.errorsByKind).map(([k, n]) => `${k} ${n}`).join(', ');
  return `http load ${label}: ${o.requests} requests to ${spec.paths.join(', ')} in ${o.durationSec.toFixed(1)} s, ${o.errors} errors${kinds ? ` (${kinds})` : ''}, p50 ${fmtUs(o.latencyP50Us)}, p99 ${fmtUs(o.latencyP99Us)}`;
}

/**
 * The target with the scenario's HTTP load on its monitoring port; stopping it stops the load
 * first and prints its line (`log`, default stderr). No `httpLoad`: the target as it is.
 */
export async function withHttpLoad(label: string, t: RunningTarget, spec: HttpLoadSpec | undefined, token?: string, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<RunningTarget> {
  if (!spec) return t;
  if (!t.monitoringUrl) {
    // Started, but not usable as the scenario asks: stopped here, since the caller never gets it.
    await t.stop();
    throw new UsageError(`${label}: httpLoad reads the monitoring endpoints of the reference daemon; target ${t.target} has none`);
  }
  const load = startMonitoringLoad(t.monitoringUrl, spec, token);
  let stopped: Promise<void> | undefined;
  return {
    ...t,
    stop: () =>
      (stopped ??= (async () => {
        try {
          log(describeOutcome(label, spec, await load.stop()));
        } finally {
          await t.stop();
        }
      })()),
  };
}
