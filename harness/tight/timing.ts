import { Bench, type TimestampProvider } from 'tinybench';

export type TightClock = 'cpu' | 'wall';

export interface CallTiming {
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
 * Mean time of one call of `fn` under tinybench. The mean, not the median: a backend that
 * allocates pays for it in garbage collections, which land in some calls and not others, and
 * that cost is real. Noise is dealt with across rounds, not by trimming.
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
  return { meanNs: r.latency.mean * 1e6, samples: r.latency.samplesCount };
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
 * 1 us clock, short enough for many samples. Measured with a probe batch of `probe` operations.
 */
export function calibrateBatch(makeBatch: (n: number) => () => number, probe: number, targetUs: number, max: number): number {
  const run = makeBatch(probe);
  for (let i = 0; i < 3; i++) run();
  const t0 = cpuClock.fn() as number;
  const reps = 3;
  for (let i = 0; i < reps; i++) run();
  const perOpUs = Math.max(1e-4, ((cpuClock.fn() as number) - t0) / (reps * probe));
  return Math.max(1, Math.min(max, Math.round(targetUs / perOpUs)));
}
