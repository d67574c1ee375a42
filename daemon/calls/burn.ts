/**
 * Calibration only (`EXAI_BENCH_BURN_US`): a known CPU cost per tool call, so `overbench calibrate`
 * can inject an overhead of known size and check that the harness finds it. Never set in
 * production; unset, the call path pays one branch.
 */

/** The first stretch of integer work between clock reads: well under a microsecond. */
const FIRST_STEPS = 64;
/** Where the spin's arithmetic goes, so that no compiler can drop it as unused. */
let sink = 0;

/**
 * Busy-spin for at least `us` microseconds of wall time on this thread and return how long it
 * actually spun. Wall time, not CPU time: a spin preempted by the scheduler burns less CPU than
 * asked, which a calibration run shows as a smaller estimate (the clock read is cheaper than a
 * CPU-time syscall per iteration).
 *
 * Next to no allocation: each `performance.now()` returns a fresh heap number, and a spin that read
 * the clock in a bare loop (one read per ~130 ns) left ~50-180 young-generation collections per
 * 1,000 spins of 540 us (a GC observer, 2026-12-01; now none). Those collections cost the daemon more than
 * the spin's length, by how much depending on what else lives in its heap: chat-realistic read an
 * injected 5% as 11%. So the spin does integer work between reads, each stretch sized from the rate
 * measured so far to cover three quarters of the time left: a handful of reads per spin, whatever its length,
 * and an overshoot of a fraction of a microsecond.
 */
export function burnCpu(us: number): number {
  const start = performance.now();
  const until = start + us / 1000;
  let now = start;
  let x = sink | 0;
  let done = 0;
  let steps = FIRST_STEPS;
  while (now < until) {
    for (let i = 0; i < steps; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
    done += steps;
    now = performance.now();
    const perMs = done / Math.max(now - start, 1e-6);
    steps = Math.max(FIRST_STEPS, Math.floor(0.75 * (until - now) * perMs));
  }
  sink = x;
  return (now - start) * 1000;
}
