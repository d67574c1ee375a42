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
