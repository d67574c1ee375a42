/** The reference daemon's monitoring endpoints (contract): /stats and /metrics.json. */

/** The /stats body is the reference daemon's contract (issue 3); one type for both sides. */
import type { ProcessStats as DaemonStats } from '../../daemon/monitoring/process-stats.ts';

export type { DaemonStats };

export interface MetricsTotals {
  backend: string;
  exact: boolean;
  messagesReceived: number;
  messagesSent: number;
}

/** Monitoring origin -> the token its daemon was started with (EXAI_WS_TOKEN guards all but /health). */
const tokens = new Map<string, string>();

export function setMonitoringToken(monitoringUrl: string, token: string): void {
  tokens.set(new URL(monitoringUrl).origin, token);
}

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const token = tokens.get(new URL(url).origin);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.json();
}

/**
 * null when the endpoint is missing or slow: /stats is extra detail, never a reason to fail.
 * `collectYoung` asks for `/stats?gc=young` (the reference daemon collects its young generation
 * first); a daemon of a user's that refuses the query is read again without it.
 */
export async function fetchStats(monitoringUrl: string, opts: { collectYoung?: boolean; timeoutMs?: number } = {}): Promise<DaemonStats | null> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  if (opts.collectYoung) {
    const collected = await getJson(`${monitoringUrl}/stats?gc=young`, timeoutMs).catch(() => null);
    if (collected !== null) return collected as DaemonStats;
  }
  try {
    return (await getJson(`${monitoringUrl}/stats`, timeoutMs)) as DaemonStats;
  } catch {
    return null;
  }
}

/**
 * A target's /stats: its one daemon's, or, where it runs several (`monitoringUrls`, a cluster),
 * every instance's read at once (each collecting its young generation when asked) and combined
 * (combineStats). null without a monitoring URL, or when any instance's read fails.
 */
export async function targetStats(
  target: { monitoringUrl: string | null; monitoringUrls?: readonly string[] },
  opts: { collectYoung?: boolean; timeoutMs?: number } = {},
): Promise<DaemonStats | null> {
  const urls = target.monitoringUrls ?? (target.monitoringUrl ? [target.monitoringUrl] : []);
  if (urls.length === 0) return null;
  const all = await Promise.all(urls.map((u) => fetchStats(u, opts)));
  return all.every((s): s is DaemonStats => s !== null) ? combineStats(all) : null;
}

/**
 * Several daemons' /stats as one: CPU, memory, collection time, metrics timers, connections and
 * calls in flight summed (an optional figure only where every instance has it), event-loop
 * utilisation averaged, its delay p99 the worst instance's; the first instance's pid.
 */
export function combineStats(all: readonly DaemonStats[]): DaemonStats {
  if (all.length === 1) return all[0];
  const sum = (pick: (s: DaemonStats) => number | undefined): number | undefined =>
    all.every((s) => pick(s) !== undefined) ? all.reduce((n, s) => n + pick(s)!, 0) : undefined;
  const youngGcUs = sum((s) => s.youngGcUs);
  const metricsTimerCpuUs = sum((s) => s.metricsTimerCpuUs);
  return {
    pid: all[0].pid,
    cpuUserUs: sum((s) => s.cpuUserUs)!,
    cpuSystemUs: sum((s) => s.cpuSystemUs)!,
    rssBytes: sum((s) => s.rssBytes)!,
    oldSpaceBytes: sum((s) => s.oldSpaceBytes)!,
    eventLoopUtilization: sum((s) => s.eventLoopUtilization)! / all.length,
    eventLoopDelayP99Ms: Math.max(...all.map((s) => s.eventLoopDelayP99Ms)),
    connections: sum((s) => s.connections)!,
    inflight: sum((s) => s.inflight)!,
    ...(youngGcUs !== undefined && { youngGcUs }),
    ...(metricsTimerCpuUs !== undefined && { metricsTimerCpuUs }),
  };
}

/** The message totals the exactness check compares with the driver's frame counts. Throws on failure. */
export async function fetchMetricsTotals(monitoringUrl: string, timeoutMs = 5000): Promise<MetricsTotals> {
  const snap = (await getJson(`${monitoringUrl}/metrics.json`, timeoutMs)) as {
    backend: string;
    exact: boolean;
    totals: { messagesReceived: number; messagesSent: number };
  };
  return {
    backend: snap.backend,
    exact: snap.exact,
    messagesReceived: snap.totals.messagesReceived,
    messagesSent: snap.totals.messagesSent,
  };
}
