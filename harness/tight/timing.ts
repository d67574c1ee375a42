import { CLOCKS } from './paired.ts';

/**
 * Operations per timed batch so that one batch takes about `targetUs` of CPU: long enough for
 * the 1 us process clock, short enough for many pairs. The probe runs for 3 ms first (a fresh
 * function starts in the interpreter; sizing from that would make batches far too small), and
 * grows (x4) until a run takes at least 1 ms, so the clock's own cost does not skew it.
 */
export function calibrateBatch(makeBatch: (n: number) => () => unknown, probe: number, targetUs: number, max: number): number {
  const now = () => CLOCKS.cpu() / 1000;
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
