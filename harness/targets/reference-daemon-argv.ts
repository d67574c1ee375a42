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
 */
export const REFERENCE_DAEMON_V8_FLAGS: readonly string[] = ['--no-memory-reducer'];

/** `node` arguments for one reference daemon. */
export function referenceDaemonArgv(): string[] {
  return [...REFERENCE_DAEMON_V8_FLAGS, ...tsxArgs('daemon/main.ts')];
}
