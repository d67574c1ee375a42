import { fetchMetricsTotals, fetchStats, type DaemonStats } from '../measure/daemon-monitor.ts';
import { startWindowMeter } from '../measure/window-meter.ts';
import type { WindowResult } from '../result/schema.ts';
import type { RunningTarget } from '../targets/types.ts';
import type { DriverProcess } from '../driver/process.ts';
import type { VariantName } from './events.ts';
import { exactnessRound, type ExactnessRound } from './exactness.ts';
import type { Guard } from './guard.ts';
import { buildWindowResult } from './window-result.ts';

/** One variant of a running scenario: its target, its driver, and whether its counts are checked. */
export interface LiveVariant {
  name: VariantName;
  target: RunningTarget;
  driver: DriverProcess;
  /** The daemon's /metrics.json is exact and counting: check it against the driver's frames. */
  checkExactness: boolean;
}

/** Only an exact, counting backend can be held to the driver's frame counts (not `none`, not `sampled`). */
export async function exactnessApplies(target: RunningTarget): Promise<boolean> {
  if (!target.monitoringUrl) return false;
  try {
    const t = await fetchMetricsTotals(target.monitoringUrl);
    return t.exact && t.backend !== 'none';
  } catch {
    return false;
  }
}

function statsExtra(before: DaemonStats | null, after: DaemonStats | null): Record<string, number> | undefined {
  if (!before || !after) return undefined;
  return {
    // getrusage-based, the daemon process only (not its tree): a cross-check of the /proc figure.
    daemonCpuUserUs: after.cpuUserUs - before.cpuUserUs,
    daemonCpuSystemUs: after.cpuSystemUs - before.cpuSystemUs,
    eventLoopUtilization: after.eventLoopUtilization,
    eventLoopDelayP99Ms: after.eventLoopDelayP99Ms,
  };
}

/**
 * A measured window: the target's tree CPU and RSS around exactly the driver's window (load and
 * drain), the daemon's message totals before and after for exactness, its /stats for context.
 * Monitoring reads happen outside the metered span so they do not count as the window's CPU.
 */
export async function measuredWindow(
  v: LiveVariant,
  at: { round: number; order: number; seconds: number; timeoutMs: number },
  guard: Guard,
  exactRounds: ExactnessRound[],
): Promise<WindowResult> {
  const monitoring = v.target.monitoringUrl;
  const statsBefore = monitoring ? await guard.run(fetchStats(monitoring)) : null;
  const totalsBefore = v.checkExactness && monitoring ? await guard.run(fetchMetricsTotals(monitoring)) : null;
  const meter = v.target.pid !== null ? startWindowMeter(v.target.pid) : null;
  const stats = await guard.run(v.driver.window(at.seconds * 1000, true, at.timeoutMs));
  const measured = meter?.end() ?? null;
  const totalsAfter = totalsBefore && monitoring ? await guard.run(fetchMetricsTotals(monitoring)) : null;
  const statsAfter = monitoring ? await guard.run(fetchStats(monitoring)) : null;
  if (totalsBefore && totalsAfter) exactRounds.push(exactnessRound(at.round, stats, totalsBefore, totalsAfter));
  return buildWindowResult({
    round: at.round,
    variant: v.name,
    order: at.order,
    stats,
    target: { cpuUs: measured?.cpuUs ?? null, rssBytes: measured?.rssBytes ?? null, extra: statsExtra(statsBefore, statsAfter) },
  });
}
