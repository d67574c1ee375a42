import { tsxArgs } from '../../common/tsx.ts';

/**
 * V8 flags the harness runs the reference daemon with (alone or as cluster instances), the same
 * for both variants: measurement conditions, like the cores, not a change to the daemon.
 *
 * `--no-memory-reducer`: at a light load V8 takes the process for idle now and then and shrinks
 * its heap (RSS 152 -> 102 MB in one window of hot-path-open); for the next windows that process
 * collected more often and its CPU per request read +20% to +120%, then ~10% above the other's
 * for the rest of the run. One such event in one of two processes decided a 12-round verdict.
 * With the reducer off, RSS stays flat and the same comparison (fast vs none, 24 rounds) read
 * +1.0% [-0.2%, +2.1%] where it had read +7.5% [+2.6%, +16.2%]. A cost that allocates still
 * shows: the heap still collects, it just is not shrunk on a timer.
 *
 * Tried and not kept, `--single-threaded-gc` (V8's GC helper threads share the daemon's one pinned
 * core): fast vs none in chat-realistic `ci` read a round-to-round sd of the CPU-per-request ratio
 * of 4.6, 4.5, 4.9, 4.1 with it against 7.1, 6.6, 3.2, 7.7 without (2026-12-01, seeds 401-404), but
 * the calibration did not confirm it (NOTEBOOK.md): MDE 5.6% for chat-realistic (5.5% without),
 * 2.9% for hot-path-open (2.1%), injected levels covered 6 of 8 (8 of 8).
 *
 * `--initial-old-space-size=1024` (MB): no major collection within a `ci` run. V8 marks and
 * compacts the old generation when it reaches a limit, ~40-100 ms of CPU each time, at a moment that
 * differs between two processes doing the same requests; in a measured window of 1-2 s that is
 * +10% to +40% of one side's CPU. A trace of both daemons (2026-12-01, a GC observer, not kept)
 * put one major collection every ~15 s in chat-realistic and about one per 10-15 s process life
 * in hot-path-open, and every +30-40% window of `fast` vs `none` on one. With the first limit at
 * 1 GB, a `ci` or default run holds none: the provider scenarios promote the most, 6-7 MB/s
 * (chat-realistic, provider-slow; hot-path-open ~0.1 MB/s), so a process reaches the limit after
 * ~2.5 min of their load, which only `full` runs exceed (RSS grows to match, then collects). The
 * sd of the per-round CPU ratio in chat-realistic `ci` fell from 7-12% to 2.7-4.6% (README,
 * "Goals"). What is no longer charged is the later collection of what a window promoted; each
 * window reports that growth (`extra.oldSpaceGrowthBytes`, process-stats.ts), so a variant that
 * promotes more still shows. Minor collections are counted as before.
 * reference-daemon-argv.test.ts checks that V8 honours it.
 *
 * `--expose-gc`: so that each window can open with a young-generation collection
 * (`/stats?gc=young`, openWindow in measured-window.ts), metered, in both daemons of a pair at
 * once. It changes nothing else: V8 collects as before, and only that request calls `gc`.
 */
export const REFERENCE_DAEMON_V8_FLAGS: readonly string[] = ['--no-memory-reducer', '--initial-old-space-size=1024', '--expose-gc'];

/**
 * `node` arguments for one reference daemon. `v8Seed`: V8's `--random-seed`, the same for both
 * variants of a pair of processes and new for every pair (layoutSeed): where V8 places its code and
 * heap pages and how it seeds its hash tables follow from it, so both processes of a pair start
 * with the same layout luck, as both variants meet the same world (common random numbers), while
 * runs and pairs still sample it. Measured, A/A hot-path-open `ci` (CPU per request, the runs'
 * estimates): +0.0, -2.2, -1.1, +0.4 and (a calibration the same hour) +1.3, -3.0, -4.7 with
 * a seed of each process's own (sd 2.1); +0.8, +0.6, +1.1 with one seed per pair; `fast` vs
 * `none`, 4 runs each: sd 1.6 -> 0.8 (README, "How a verdict is reached").
 */
export function referenceDaemonArgv(v8Seed?: number): string[] {
  const seed = v8Seed === undefined ? [] : [`--random-seed=${v8Seed}`];
  return [...REFERENCE_DAEMON_V8_FLAGS, ...seed, ...tsxArgs('daemon/main.ts')];
}

/** A pair of processes' V8 seed: from the scenario's seed and the pair's number; never 0 (V8's "random"). */
export function layoutSeed(scenarioSeed: number, pair: number): number {
  return ((Math.imul(scenarioSeed ^ 0x5bd1e995, 0x9e3779b1) + pair * 0x6d2b79f5) >>> 1) || 1;
}

/**
 * The V8 seed of a cluster's instance `index` (0-based), from the cluster's (layoutSeed): instance
 * 0 keeps it, each other instance gets one of its own, and instance i of the baseline cluster
 * shares its seed with instance i of the instrumented one. Why: instances with one seed run the
 * same code with the same layout, so their layout luck is one draw, not N; with a seed each, the
 * luck that the pair's shared seeds do not cancel averages over the N instances.
 */
export function instanceSeed(clusterSeed: number, index: number): number {
  return index === 0 ? clusterSeed : layoutSeed(clusterSeed, 1 + index);
}
