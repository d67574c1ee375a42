import { decodeHistogram, summarize } from '../driver/histogram.ts';
import type { WindowStats } from '../driver/messages.ts';
import type { WindowResult } from '../result/schema.ts';
import { matchWork, type ClientFinishes } from '../stats/matched-work.ts';
import type { VariantName } from './events.ts';

/** A driver above this share of one core may have delayed its own sends: the round is not trusted. */
export const DRIVER_SATURATION_PCT = 90;

export interface TargetWindow {
  cpuUs: { user: number; system: number } | null;
  rssBytes: number | null;
  /** Daemon /stats extras (event-loop utilisation...), when it serves them. */
  extra?: Record<string, number>;
}

/** A target's CPU (user + system, us) per request finished in its window; null without either. */
export function cpuPerRequestUs(cpuUs: { user: number; system: number } | null, requests: number): number | null {
  return cpuUs !== null && requests > 0 ? (cpuUs.user + cpuUs.system) / requests : null;
}

/**
 * One variant's measured window as a WindowResult. Throughput counts successful requests (a target
 * that answers faster with errors must not look better), in the closed model each by its share of
 * the window (`okInSpan`: a call still out when the load stopped counts in part); CPU per request
 * divides by every finished request, since failed ones cost CPU too, and the CPU is read until the
 * last of them has finished.
 */
export function buildWindowResult(args: {
  round: number;
  variant: VariantName;
  order: number;
  /** The CPU the variant was pinned to (duet with pinning). */
  core?: number;
  stats: WindowStats;
  target: TargetWindow;
}): WindowResult {
  const { stats, target } = args;
  const seconds = stats.durationMs / 1000;
  const driverCpuPct = stats.durationMs > 0 ? ((stats.driverCpuUs.user + stats.driverCpuUs.system) / (stats.durationMs * 1000)) * 100 : null;
  const reasons: string[] = [];
  if (driverCpuPct !== null && driverCpuPct > DRIVER_SATURATION_PCT) {
    reasons.push(`driver saturated: ${driverCpuPct.toFixed(0)}% of a core > ${DRIVER_SATURATION_PCT}%`);
  }
  if (stats.requests === 0) reasons.push('no request completed');
  const perTool: WindowResult['perTool'] = {};
  for (const [tool, t] of Object.entries(stats.perTool)) {
    perTool[tool] = { requests: t.requests, latencyUs: t.requests > 0 ? summarize(decodeHistogram(t.histogram)) : null };
  }
  const result: WindowResult = {
    round: args.round,
    variant: args.variant,
    order: args.order,
    requests: stats.requests,
    errors: stats.errors,
    errorsByKind: stats.errorsByKind,
    dropped: stats.dropped,
    throughput: seconds > 0 ? stats.okInSpan / seconds : 0,
    latencyUs: stats.requests > 0 ? summarize(decodeHistogram(stats.histogram)) : null,
    histogram: stats.histogram,
    cpuUs: target.cpuUs,
    cpuPerRequestUs: cpuPerRequestUs(target.cpuUs, stats.requests),
    rssBytes: target.rssBytes,
    driverCpuPct,
    valid: reasons.length === 0,
    perTool,
  };
  if (reasons.length > 0) result.invalidReason = reasons.join('; ');
  if (args.core !== undefined) result.core = args.core;
  if (target.extra && Object.keys(target.extra).length > 0) result.extra = target.extra;
  return result;
}

/**
 * A round's two windows (both variants, the same pair of processes) sent the same requests: give
 * each the matched work, its time for the requests both finished (harness/stats/matched-work.ts),
 * on which throughput is then compared. Nothing when either lacks finish times (the open model)
 * or they share no finished request.
 */
export function attachMatchedWork(round: readonly { result: WindowResult; finishes?: ClientFinishes }[]): void {
  const b = round.find((w) => w.result.variant === 'baseline');
  const x = round.find((w) => w.result.variant === 'instrumented');
  if (!b?.finishes || !x?.finishes) return;
  const m = matchWork(b.finishes, x.finishes);
  if (m === null) return;
  b.result.matchedWork = { requests: m.requests, clients: m.clients, ms: m.baselineMs };
  x.result.matchedWork = { requests: m.requests, clients: m.clients, ms: m.instrumentedMs };
}
