import { Bench, type TimestampProvider } from 'tinybench';

export type TightClock = 'cpu' | 'wall';

export interface CallTiming {
  /** Median ns per call (see timeCalls). */
  meanNs: number;
  samples: number;
}

/**
 * The process's CPU time (user + system, microseconds, from getrusage) as tinybench's clock.
 * On a shared machine wall time charges a benchmark for every moment another process held the
 * core; CPU time does not. Its resolution is 1 us and a read costs about 1 us, so timed calls
 * are sized to a few hundred us (calibrateBatch) and the read itself is in the empty batch that
 * is subtracted. It counts the process's other threads too (parallel GC, JIT): costs the
 * workload causes.
 */
export const cpuClock: TimestampProvider = {
  name: 'process.cpuUsage',
  fn: () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  },
  fromMs: (ms) => ms * 1000,
  toMs: (us) => Number(us) / 1000,
};

/**
 * Typical time of one call of `fn` under tinybench: the median of its samples. The process clock
 * also counts other threads (a background JIT compile, a GC helper), which on a busy machine put
 * a few calls ten times over the rest and would swing a mean from round to round. What a median
 * leaves out, the collector's work for what a backend allocates, is reported beside it as
 * bytes/op (a scavenge costs well under 0.1 ns per allocated byte here).
 */
export async function timeCalls(fn: () => unknown, timeMs: number, warmupMs: number, clock: TightClock): Promise<CallTiming> {
  const bench = new Bench({
    time: timeMs, warmupTime: warmupMs, iterations: 5, warmupIterations: 3, throws: true,
    ...(clock === 'cpu' && { timestampProvider: cpuClock }),
  });
  bench.add('batch', fn);
  await bench.run();
  const r = bench.tasks[0].result;
  if (r.state !== 'completed') throw new Error(`tinybench task ended ${r.state}`);
  return { meanNs: r.latency.p50 * 1e6, samples: r.latency.samplesCount };
}

/**
 * Net cost of one operation: the batch of `n` operations and the empty batch (the same compiled
 * loop with n = 0: tinybench's per-call cost, the clock read, the call and the loop set-up) are
 * timed back to back, and the empty call is subtracted before dividing by n.
 */
export function netNsPerOp(batch: CallTiming, empty: CallTiming, n: number): number {
  return (batch.meanNs - empty.meanNs) / n;
}

/**
 * Operations per timed call so that one call takes about `targetUs` of CPU: long enough for the
 * 1 us clock, short enough for many samples. The probe runs for 3 ms first (a fresh
 * function starts in the interpreter; sizing from that would make batches far too small), and
 * grows (x4) until a run takes at least 1 ms, so the clock's own cost does not skew it.
 */
export function calibrateBatch(makeBatch: (n: number) => () => number, probe: number, targetUs: number, max: number): number {
  const now = () => cpuClock.fn() as number;
  let n = Math.max(1, probe);
  let run = makeBatch(n);
  const warmUntil = now() + 3000;
  for (let i = 0; i < 10_000 && now() < warmUntil; i++) run();
  for (;;) {
    // the least of three: the process clock also counts background threads (a JIT compile of
    // this very function, a GC helper) that would make one run look far too slow
    let us = Infinity;
    for (let k = 0; k < 3; k++) {
      const t0 = now();
      run();
      us = Math.min(us, now() - t0);
    }
    if (us >= 1000 || n >= max) return Math.max(1, Math.min(max, Math.round((targetUs * n) / Math.max(us, 1))));
    n = Math.min(max, n * 4);
    run = makeBatch(n);
    run();
  }
}
