import { fmtNumber, MISSING } from '../../common/format.ts';
import type { WindowResult } from '../result/schema.ts';

/** Windows in the order they ran: round by round, first-run variant first. */
export function inRunOrder(rounds: readonly WindowResult[]): WindowResult[] {
  return [...rounds].sort((a, b) => a.round - b.round || a.order - b.order);
}

/** Rounds usable for a comparison (both variants valid): the run's own definition, so counts agree. */
export { validPairs } from '../run/compare-rounds.ts';
export { describePairCheck } from '../run/compare-rounds.ts';

/**
 * What each variant's metrics backend spent in its own timers (flushes, roll-ups, sweeps: the
 * daemon's `/stats` metricsTimerCpuUs, per window), per request and as a share of its CPU, over the
 * valid windows that carry it: the part of a backend's cost that is off the hot path, read
 * directly rather than from the noisy difference of two processes. null when no window carries it.
 */
export function timersLine(rounds: readonly WindowResult[]): string | null {
  const parts: string[] = [];
  for (const variant of ['instrumented', 'baseline'] as const) {
    const mine = rounds.filter((r) => r.variant === variant && r.valid && r.extra?.metricsTimerCpuUs !== undefined);
    if (mine.length === 0) continue;
    const timerUs = mine.reduce((n, r) => n + r.extra!.metricsTimerCpuUs, 0);
    const requests = mine.reduce((n, r) => n + r.requests, 0);
    const cpuUs = mine.reduce((n, r) => n + (r.cpuUs ? r.cpuUs.user + r.cpuUs.system : 0), 0);
    const share = cpuUs > 0 ? ` (${fmtNumber((100 * timerUs) / cpuUs, 2)}% of its CPU)` : '';
    parts.push(`${variant} ${requests > 0 ? fmtNumber(timerUs / requests, 2) : MISSING} us per request${share}`);
  }
  return parts.length === 0 ? null : `metrics timers (flushes, roll-ups, sweeps; CPU): ${parts.join(', ')}`;
}
