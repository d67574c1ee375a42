import { startWindowMeter } from '../measure/window-meter.ts';
import type { VariantName } from './events.ts';
import type { Guard } from './guard.ts';
import { openWindow, readTotals, type LiveVariant } from './measured-window.ts';
import { cpuPerRequestUs } from './window-result.ts';

/**
 * After a target's initial warm-up, 1 s windows (nothing recorded) while its CPU per request is
 * still falling, so that round 1 measures the steady process and not the end of its warm-up.
 *
 * Why: a fixed initial warm-up of 4 s was not enough. hot-path-open at 800 requests/s (`ci`,
 * 2026-12-01): rounds 1 and 2 read 117-145 us of CPU per request where the rest of the run read
 * 63-95 us, in every run, and fresh processes disagreed there by up to 30% (JIT tiers and the
 * young generation still settling ~7 s into the load). Each scenario differs, so the rule watches
 * the CPU rather than trusting a time: stop at the first window that is not SETTLE_DROP below the
 * one before, for every target, or after SETTLE_MAX_WINDOWS. A noisy target (chat-realistic:
 * ~10% per 1 s window) stops sooner, which is fine: its warm-up transient is small beside its noise.
 * Smoke skips it (a check that things work).
 */
export const SETTLE_WINDOW_SEC = 1;
export const SETTLE_DROP = 0.03;
export const SETTLE_MIN_WINDOWS = 3;
export const SETTLE_MAX_WINDOWS = 10;

/**
 * Whether to take another settling window: `prev` and `cur` are each target's CPU per request in
 * the last two windows (null where not measured). Still falling when some target dropped by more
 * than SETTLE_DROP; with nothing to compare (the first window), take another.
 */
export function stillFalling(prev: readonly (number | null)[] | null, cur: readonly (number | null)[], windows = SETTLE_MIN_WINDOWS): boolean {
  if (prev === null || windows < SETTLE_MIN_WINDOWS) return true;
  return cur.some((c, i) => {
    const p = prev[i];
    return c !== null && p !== null && p > 0 && c < p * (1 - SETTLE_DROP);
  });
}

/**
 * Above this drain (seconds, measured on the initial warm-up window), the settling windows keep
 * issuing and drain once, after the last. A window that drains waits for the slowest call in
 * flight: in provider-slow (a 4 s p99) 2.5-3.5 s, so each 1 s settling window took 4-7 s. Where
 * drains are short they drain as before, at little cost: many-idle settled with the load running
 * on read its first round 25-47% dearer than the rest in 4 of 7 runs, against at most 10-23% in
 * 3 of 9 when settled with drains (NOTEBOOK.md, "seventh session"): a suspicion, kept out cautiously.
 */
export const KEEP_ISSUING_DRAIN_SEC = 0.5;

export function keepsIssuing(drainSec: number): boolean {
  return drainSec > KEEP_ISSUING_DRAIN_SEC;
}

/**
 * Settling windows of one variant or both at once (a duet): each makes the measured windows'
 * monitoring reads, then runs the load for SETTLE_WINDOW_SEC with each target's CPU metered.
 * With `keepIssuing` (keepsIssuing) the load runs on from window to window: CPU per request is
 * the CPU over the window per request finished in it, and the load drains once, after the last
 * window; otherwise each window drains. `window` announces each one. Returns the seconds taken;
 * none for targets without a pid.
 */
export async function settleTargets(
  live: Record<VariantName, LiveVariant>,
  names: readonly VariantName[],
  guard: Guard,
  window: { announce: () => void; timeoutMs: number; keepIssuing: boolean },
): Promise<number> {
  if (names.some((n) => live[n].target.pid === null)) return 0;
  let prev: (number | null)[] | null = null;
  let windows = 0;
  const keep = window.keepIssuing;
  while (windows < SETTLE_MAX_WINDOWS) {
    window.announce();
    // Under running load a lagging aggregate never catches up: read it as it stands.
    await Promise.all(names.map((n) => readTotals(live[n], guard, { catchUp: !keep })));
    const meters = names.map((n) => startWindowMeter(live[n].target.pid!));
    await openWindow(names.map((n) => live[n]), guard);
    const stats = await guard.run(Promise.all(names.map((n) => live[n].driver.window(SETTLE_WINDOW_SEC * 1000, false, window.timeoutMs, keep))));
    const cur = meters.map((m, i) => cpuPerRequestUs(m.end().cpuUs, stats[i].requests));
    windows++;
    if (!stillFalling(prev, cur, windows)) break;
    prev = cur;
  }
  // The load stops and drains once, here, so that round 1 starts from quiet edges.
  if (keep) await guard.run(Promise.all(names.map((n) => live[n].driver.window(0, false, window.timeoutMs))));
  return windows * SETTLE_WINDOW_SEC;
}
