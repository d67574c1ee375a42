/**
 * Calibration only (`EXAI_BENCH_BURN_US`): a known CPU cost per tool call, so `overbench calibrate`
 * can inject an overhead of known size and check that the harness finds it. Never set in
 * production; unset, the call path pays one branch.
 */

/**
 * Busy-spin for at least `us` microseconds of wall time on this thread and return how long it
 * actually spun. Wall time, not CPU time: a spin preempted by the scheduler burns less CPU than
 * asked, which a calibration run shows as a smaller estimate (the clock read is cheaper than a
 * CPU-time syscall per iteration).
 */
export function burnCpu(us: number): number {
  const start = performance.now();
  const until = start + us / 1000;
  let now = start;
  while (now < until) now = performance.now();
  return (now - start) * 1000;
}
