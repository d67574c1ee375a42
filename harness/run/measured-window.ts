import { targetStats, type DaemonStats } from '../measure/daemon-monitor.ts';
import { countersOf, type MessageTotals } from '../measure/message-counters.ts';
import { startWindowMeter, type WindowMeter } from '../measure/window-meter.ts';
import type { WindowResult } from '../result/schema.ts';
import type { RunningTarget } from '../targets/types.ts';
import type { DriverProcess } from '../driver/process.ts';
import type { WindowStats } from '../driver/messages.ts';
import type { VariantName } from './events.ts';
import { exactnessRound, exactnessSpan, type ExactnessRound } from './exactness.ts';
import type { Guard } from './guard.ts';
import { buildWindowResult } from './window-result.ts';
import type { ClientFinishes } from '../stats/matched-work.ts';

/** One variant of a running scenario: its target, its driver, and whether its counts are checked. */
export interface LiveVariant {
  name: VariantName;
  target: Pick<RunningTarget, 'pid' | 'monitoringUrl' | 'monitoringUrls' | 'counters'>;
  /** The driver's pid is pinned with its target in a duet. */
  driver: Pick<DriverProcess, 'window' | 'pid'>;
  /** The target's message counters (its `counters`, else /metrics.json) are exact and counting: check them against the driver's frames. */
  checkExactness: boolean;
}

/** Only exact, counting counters can be held to the driver's frame counts (not `none`, not `sampled`, not absent). */
export async function exactnessApplies(target: RunningTarget): Promise<boolean> {
  const counters = countersOf(target);
  return counters !== null && (await counters.applies()) === null;
}

/** `before`: the /stats that opened the window (openWindow), so `youngGcUs` is its opening collection. */
function statsExtra(before: DaemonStats | null, after: DaemonStats | null): Record<string, number> | undefined {
  if (!before || !after) return undefined;
  return {
    // getrusage-based, the daemon process only (not its tree): a cross-check of the /proc figure.
    daemonCpuUserUs: after.cpuUserUs - before.cpuUserUs,
    daemonCpuSystemUs: after.cpuSystemUs - before.cpuSystemUs,
    eventLoopUtilization: after.eventLoopUtilization,
    eventLoopDelayP99Ms: after.eventLoopDelayP99Ms,
    // what the window promoted (process-stats.ts)
    oldSpaceGrowthBytes: after.oldSpaceBytes - before.oldSpaceBytes,
    ...(before.youngGcUs !== undefined && { youngGcUs: before.youngGcUs }),
    // the metrics backend's flushes and sweeps in this window (process-stats.ts), where it counts them
    ...(before.metricsTimerCpuUs !== undefined && after.metricsTimerCpuUs !== undefined && {
      metricsTimerCpuUs: after.metricsTimerCpuUs - before.metricsTimerCpuUs,
    }),
  };
}

/**
 * What a window reads from a target before its meters start (and after they end): its message
 * totals, of an exact target (a failed read is an error), else a read for symmetry whose outcome is
 * dropped. Every target that serves totals is read alike, counting or not: serving a read leaves
 * work behind (garbage, compiles) that can land in the next window, so reading only the exact
 * variant charged it a harness cost (fast vs none in hot-path-open read ~+3% with the reads on one
 * side, ~+1.6% without them; README, "How a verdict is reached"). The settling windows make the
 * same reads, so the code that serves them is compiled before round 1 (settle.ts). `catchUp`:
 * MessageCounters.read's.
 */
export async function readTotals(v: LiveVariant, guard: Guard, opts?: { catchUp?: boolean }): Promise<MessageTotals | null> {
  const counters = countersOf(v.target);
  if (counters === null) return null;
  if (v.checkExactness) return guard.run(counters.read(opts));
  await guard.run(counters.read(opts).catch(() => null));
  return null;
}

/**
 * As a window starts, inside its metered span: each target's /stats, asked for with
 * `/stats?gc=young`, so that a target that can (the reference daemon runs with --expose-gc,
 * reference-daemon-argv.ts) first collects its young generation. Why: each daemon of a pair
 * otherwise scavenged at its own moments, so a window held a scavenge more or less and the two
 * promoted different amounts of the calls in flight; begun with empty nurseries, the same requests
 * collect at about the same points in both. Metered, because what it collects is the previous
 * window's garbage (and the reads') that a scavenge in this window would have collected anyway.
 * The stats are the window's starting point for statsExtra (null without /stats).
 */
export async function openWindow(variants: readonly LiveVariant[], guard: Guard): Promise<(DaemonStats | null)[]> {
  return Promise.all(
    variants.map((v) => guard.run(targetStats(v.target, { collectYoung: true }))),
  );
}

/** One variant in a measured window: the variant, its position in the round, and its core when pinned. */
export interface WindowSlot {
  v: LiveVariant;
  order: number;
  core?: number;
}

/** A measured window's result, and its clients' finish times for pairing with the other variant's (matched-work.ts). */
export interface MeasuredWindow {
  result: WindowResult;
  finishes?: ClientFinishes;
}

/**
 * A measured window of one variant (interleaved) or of both at once (duet): each target's tree CPU
 * and RSS around exactly the drivers' windows (load and drain), the daemon's message totals before
 * and after for exactness, its /stats for context. Every meter starts before any driver gets its
 * window and ends after every driver has answered, so in a duet both targets are measured over
 * the same span. Monitoring reads happen outside the metered span so they do not count as the
 * window's CPU; the one exception is the /stats read with its young collection that opens the window (openWindow).
 * `continuous`: the load runs on from the window before and into the next (Driver.window's
 * keepIssuing): the windows and the opening reads start together, the totals are read for symmetry
 * only, and exactness is the caller's, over the whole span (exactnessSpan).
 * `startMeter` is replaceable for tests.
 */
export async function measuredWindows(
  slots: readonly WindowSlot[],
  at: { round: number; seconds: number; timeoutMs: number; continuous?: boolean },
  guard: Guard,
  exactRounds: ExactnessRound[],
  startMeter: (pid: number) => WindowMeter = startWindowMeter,
): Promise<MeasuredWindow[]> {
  const variants = slots.map(({ v }) => v);
  const continuous = at.continuous === true;
  // The same reads either way (readTotals says why); under a running load the totals have no edge to check.
  const read = (v: LiveVariant) => (continuous ? readTotals({ ...v, checkExactness: false }, guard, { catchUp: false }) : readTotals(v, guard));
  const totalsBefore = await Promise.all(variants.map(read));
  const meters = variants.map((v) => (v.target.pid !== null ? startMeter(v.target.pid) : null));
  const drive = () => guard.run(Promise.all(variants.map((v) => v.driver.window(at.seconds * 1000, true, at.timeoutMs, continuous))));
  let statsBefore: (DaemonStats | null)[];
  let windows: WindowStats[];
  if (continuous) {
    // The load runs on: the windows begin at once, so the meters span the requests they count,
    // and the opening collection lands inside them.
    [windows, statsBefore] = await Promise.all([drive(), openWindow(variants, guard)]);
  } else {
    statsBefore = await openWindow(variants, guard);
    windows = await drive();
  }
  const measured = meters.map((m) => m?.end() ?? null);
  return Promise.all(
    slots.map(async ({ v, order, core }, i) => {
      const totalsAfter = await read(v);
      const statsAfter = await guard.run(targetStats(v.target));
      if (totalsBefore[i] && totalsAfter) exactRounds.push(exactnessRound(at.round, windows[i], totalsBefore[i]!, totalsAfter, v.name));
      const result = buildWindowResult({
        round: at.round,
        variant: v.name,
        order,
        core,
        stats: windows[i],
        target: { cpuUs: measured[i]?.cpuUs ?? null, rssBytes: measured[i]?.rssBytes ?? null, extra: statsExtra(statsBefore[i], statsAfter) },
      });
      const w = windows[i];
      return { result, ...(w.finishesMs && { finishes: { finishesMs: w.finishesMs, firstTurn: w.finishFirstTurn, priorMs: w.finishPriorMs } }) };
    }),
  );
}

/**
 * Above this drain (seconds; the initial warm-up's, as settle.ts measures it), a duet's load runs
 * on through its rounds instead of draining after each window. A drain waits for the slowest call
 * in flight: provider-slow's (a 4 s p99) took 2.5-3.5 s after each 2 s `ci` window, 90 s of a gate
 * for 24 s of windows (NOTEBOOK.md, "twentieth session"). Below it, the drained windows stay: their
 * quiet edges give each window its own exactness check and matched work (chat-realistic drains in
 * well under a second). Interleaved rounds always drain: one variant's load must not run on into
 * the other's window.
 */
export const CONTINUOUS_DRAIN_SEC = 2;

export function runsContinuously(design: 'duet' | 'interleaved', drainSec: number): boolean {
  return design === 'duet' && drainSec > CONTINUOUS_DRAIN_SEC;
}

/**
 * The measured windows of a continuous load, from the quiet edge before its first window to the
 * drain after its last: each variant's frames over the whole span against its target's totals
 * read at both edges (one ExactnessRound per variant, exactnessSpan). `begin` on a stopped load.
 */
export class LoadSpan {
  private from: number | null = null;
  private to = 0;

  private constructor(
    private readonly variants: readonly LiveVariant[],
    private readonly driverBefore: WindowStats[],
    private readonly totalsBefore: (MessageTotals | null)[],
    private readonly timeoutMs: number,
  ) {}

  static async begin(variants: readonly LiveVariant[], guard: Guard, timeoutMs: number): Promise<LoadSpan> {
    // A window of 0 ms on a stopped load sends nothing and reports the frames so far (Driver.window).
    const driverBefore = await guard.run(Promise.all(variants.map((v) => v.driver.window(0, false, timeoutMs))));
    const totalsBefore = await Promise.all(variants.map((v) => readTotals(v, guard)));
    return new LoadSpan(variants, driverBefore, totalsBefore, timeoutMs);
  }

  /** Round `round` runs in this span. */
  include(round: number): void {
    this.from ??= round;
    this.to = round;
  }

  /** Stop and drain the load, read the totals, and check the span (nothing when no round ran in it). */
  async end(guard: Guard, exactRounds: ExactnessRound[]): Promise<void> {
    const driverAfter = await guard.run(Promise.all(this.variants.map((v) => v.driver.window(0, false, this.timeoutMs))));
    const totalsAfter = await Promise.all(this.variants.map((v) => readTotals(v, guard)));
    if (this.from === null) return;
    for (const [i, v] of this.variants.entries()) {
      const before = this.totalsBefore[i];
      const after = totalsAfter[i];
      if (before && after) {
        exactRounds.push(exactnessSpan({ from: this.from, to: this.to }, { before: this.driverBefore[i], after: driverAfter[i] }, before, after, v.name));
      }
    }
  }
}
