import { defineScenario } from '../index.ts';

// Self-contained on purpose: a scenario is plain data that users copy and edit, so the shape it
// shares with the other built-in scenarios (variants, profiles, budgets) is not factored out.

/**
 * The CPU-only path, where instrumentation cost shows most: `status` and `echo` answer from
 * memory, so a request costs tens of microseconds of daemon CPU and every metrics call is a
 * visible share of it. Open model (arrivals on a Poisson schedule, latency from the intended send
 * time) at 800/s: well below saturation of one core even on a busy 2-core machine, so latency
 * measures the path and not a queue.
 *
 * Budgets: CPU per request is the figure that matters here: an exact metrics layer may cost 10%
 * of the cheapest request (a few microseconds); more means work on the hot path that belongs off
 * it. Latency at these levels (~100-300 us over loopback) moves with scheduler noise, hence 5/10/15%.
 * Throughput under an open model is the arrival rate unless the target falls behind: 1% catches
 * a target that drops or lags.
 * p99 has a 1 ms floor: on the shared 2-core box its p99 was 1.4-7.3 ms while p50 was 0.33-0.48 ms
 * (`overbench realistic --scenario hot-path-open --profile smoke --seed 2`): the tail is time
 * slices and GC pauses, not the path. Metrics that cost microseconds per request cannot move p99 by
 * a millisecond unless they block, and a block longer than the floor still fails.
 * Calibrated at `ci` (`overbench calibrate --scenario hot-path-open --profile ci --repeats 3
 * --seed 42`, 2026-12-01, 2-core build machine, one V8 seed per pair of processes): MDE 2.1% for CPU per request (8.3% on 2026-11-30; 2.9% and 3.1% on a second machine, seeds 42 and 43) (under its 10%
 * budget: decidable), 4.9% p50 (at its 5%), 25% p95 and 50% p99 (the p99 floor of 1 ms is ~40%
 * of a 2.7 ms p99), 0.2% throughput; A/A false fails 0 of 3.
 * Error rate 0.1 pp (the default, written out): status and echo answer from memory and the world
 * injects nothing, so an error is the daemon's; at ~1,200 calls per ci window one error is 0.08 pp.
 *
 * Time (windows only; a duet runs both variants' windows at once): default 2 x 4 + 8 x (1 + 4) = 48 s;
 * ci 3 x 4 + 12 x (0.25 + 1.25) = 30 s; smoke 1 + 3 x 1.75 = 6.25 s. Each pair also starts and
 * settles (~8-10 s: harness/run/settle.ts).
 */
export default defineScenario({
  name: 'hot-path-open',
  description: 'open model, status/echo at 800/s: the CPU-only path where instrumentation cost shows most',
  protocol: 'exai',
  clients: 8,
  load: { model: 'open', ratePerSec: 800, arrival: 'poisson', maxInFlight: 256 },
  mix: [
    { weight: 3, tool: 'status' },
    { weight: 1, tool: 'echo', args: { text: 'overbench' } },
  ],
  world: { redis: { mode: 'auto' } },
  env: { EXAI_RATE_LIMIT: 'off', EXAI_MAX_CONNECTIONS_PER_IP: 32 },
  variants: {
    baseline: { env: { METRICS_BACKEND: 'none' } },
    instrumented: { env: { METRICS_BACKEND: 'fast' } },
  },
  rounds: 8,
  // Two pairs of processes, whose spread counts in every interval (README, "How a verdict is reached").
  processes: 2,
  // One pair of processes' luck on the 2-core build machine, counted in every interval of these
  // metrics (README, "How a verdict is reached"). CPU per request: seven calibrations, hours apart,
  // pooled (6 intervals each: 1.2%, 2.1%, 2.0% in one pair per run; 0.0% and 0.0% in three):
  // `overbench calibrate --profile ci --repeats 3 --seed 1931 --scenario hot-path-open --scenario
  // chat-realistic` (2026-12-02), `... --seed 2021` (2026-12-03), and on 2026-12-03 `calibrate
  // --profile ci --repeats 3 --scenario hot-path-open` with `--processes 1 --seed 2112`,
  // `--processes 3 --seed 2111` and `--seed 2113` (the profile's three pairs); and on
  // 2026-12-03 `calibrate --profile ci --repeats 3 --scenario hot-path-open --seed 2411` and
  // `--seed 2412`, over pairs (15 degrees of freedom each: 2.2% and 0.1%). The latency
  // percentiles: `--seed 2113`, `2411` and `2412`, from the spread of their runs' pairs (12
  // degrees of freedom each; p95 2411 read 20.7% where the others read 5.5% and 7.6%). And on
  // 2026-12-04 `calibrate --profile ci --repeats 3 --seed 2621 --scenario hot-path-open --scenario
  // chat-realistic` (CPU 1.67% from 15 degrees of freedom; p50 2.1%, p95 5.7%, p99 26.5% from 12).
  // And on 2026-12-04, a new machine of the same kind, `... --seed 2771` (CPU 1.90% from 15
  // degrees of freedom; p50 2.5%, p95 13.8%, p99 24.2% from 12).
  // Pooled by the method of moments (n-weighted variances). Recalibrate on another machine
  // (`--calibration`).
  pairLuck: { cpuPerRequest: { sdPct: 1.59, n: 90 }, p50: { sdPct: 2.18, n: 60 }, p95: { sdPct: 12.15, n: 60 }, p99: { sdPct: 17.44, n: 60 } },
  warmupSec: 1,
  measureSec: 4,
  budgets: { p50: 5, p95: 10, p99: { pct: 15, floorUs: 1000 }, throughput: 1, cpuPerRequest: 10, errorRate: 0.1 },
  profiles: {
    smoke: { processes: 1, rounds: 3, warmupSec: 0.25, measureSec: 1.5 },
    // Three pairs of processes of four rounds: a pair's luck (sd up to ~2%) outweighs 12 rounds'
    // noise. The same hour (2026-12-03), one pair against three (`calibrate --profile ci --repeats 3
    // --scenario hot-path-open --processes 1 --seed 2112` and `--processes 3 --seed 2111`): CPU MDE
    // 6.9% against 2.0%, the 2x level inconclusive against a fail; ~25 s more per run.
    ci: { processes: 3, rounds: 12, warmupSec: 0.25, measureSec: 1.25 },
    full: { rounds: 15, warmupSec: 2, measureSec: 8, load: { model: 'open', ratePerSec: 2000, arrival: 'poisson', maxInFlight: 512 } },
  },
});
