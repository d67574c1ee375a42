import { defineScenario } from '../index.ts';

// Self-contained on purpose: a scenario is plain data that users copy and edit, so the shape it
// shares with the other built-in scenarios (variants, profiles, budgets) is not factored out.

/**
 * The everyday load of an EXAI daemon: 16 chat clients with think time in front of a provider
 * whose latency is lognormal (median 120 ms, p99 900 ms), with Supabase at ~8 ms and Redis real
 * when one is available.
 *
 * Budgets: a request here spends ~175 ms (mean) waiting on the world, so a metrics layer that
 * costs microseconds must not move latency: 2% of the median is 2.4 ms, far above any honest
 * metrics cost, yet below what a lock or a synchronous flush on the hot path would add. p95/p99
 * get 3%/5% because tails of a lognormal provider are noisy even when paired by round.
 * CPU per request (Redis + Supabase + provider client + JSON: measured 4.6-7 ms for this mix,
 * mostly Node's fetch under supabase-js and the openai SDK) may grow 5%.
 * Error rate: the world injects no faults, so every error is the daemon's. A ci window holds about
 * 130 calls (16 clients / ~180 ms per call and think time x 1.5 s), so one stray error weighs
 * ~0.8 pp in its round: 1 pp lets a single one pass and fails a layer that loses a call in 100.
 * No p99 floor: 5% of a p99 near 900 ms is already ~45 ms, far above any timer or scheduler noise.
 * What `ci` can decide of these (`overbench calibrate --scenario chat-realistic --profile ci
 * --repeats 3 --seed 42`, 2026-11-30, 2-core build machine, with common random numbers: both
 * variants send the same requests, each to its own world): MDE 7.9% for CPU per request (5.5%
 * on 2026-12-01, with settling windows and one V8 seed per pair of processes; 2.6% and 3.5%,
 * seeds 42 and 43, once no major collection fell inside a run: reference-daemon-argv.ts), 3.6%
 * p50, 2.5% p95, 1.9% p99, 0.8% throughput. So `ci` decides the latency and throughput budgets,
 * and now CPU per request against its 5% too: two processes doing the same calls differed by
 * ~7% per 2 s window, most of it a major collection landing in one window and not the other;
 * without them, ~3%. Error rate is decided in every run (MDE 0 pp: no errors in A/A).
 *
 * Time (windows only; start-up and the drain of in-flight calls come on top; a duet runs both
 * variants' windows at once): default 2 x 4 + 6 x (1 + 6) = 50 s; ci 4 + 12 x 2 = 28 s;
 * smoke 1 + 3 x 1.75 = 6.25 s.
 * `ci` has no per-round warm-up window: a window ends by draining its calls (~1 s here, the
 * provider's tail), so a warm-up left the measured window that follows it no warmer, and in a
 * duet the cores swap every 20 ms anyway. A/A without it (`realistic --scenario chat-realistic
 * --profile ci --backend none`, seeds 1-3, 2026-12-01): per-round sd of CPU per request 2.8%,
 * 3.0%, 4.1%, against 2.5%, 5.6%, 3.2% with it; 53 s a run instead of 63 s.
 */
export default defineScenario({
  name: 'chat-realistic',
  description: '16 clients, closed model with think time: 70% chat, 10% repeated chat (cache hits), 20% status',
  protocol: 'exai',
  clients: 16,
  load: { model: 'closed', thinkTime: 'exponential:mean=50ms' },
  mix: [
    { weight: 7, tool: 'chat', args: { prompt: 'Summarise the trade-offs of sampling versus exact metrics.' } },
    { weight: 1, tool: 'chat', args: { prompt: 'What does the status tool report?' }, repeat: true },
    { weight: 2, tool: 'status' },
  ],
  world: {
    provider: { latency: 'lognormal:median=120ms,p99=900ms', errorRate: 0 },
    supabase: { latency: 'normal:mean=8ms,sd=2ms' },
    redis: { mode: 'auto' },
  },
  // Overhead bench: no rate limiting (it would throttle the load, not measure it); in-flight caps
  // above the client count so the seed's GLM limit of 4 does not turn this into a queueing test.
  env: {
    EXAI_RATE_LIMIT: 'off',
    EXAI_MAX_CONNECTIONS_PER_IP: 64,
    EXAI_MAX_INFLIGHT: 64,
    EXAI_GLM_MAX_INFLIGHT: 64,
    EXAI_KIMI_MAX_INFLIGHT: 64,
  },
  variants: {
    baseline: { env: { METRICS_BACKEND: 'none' } },
    instrumented: { env: { METRICS_BACKEND: 'fast' } },
  },
  rounds: 6,
  // Two pairs of processes, whose spread counts in every interval (README, "How a verdict is reached").
  processes: 2,
  // One pair of processes' luck on the 2-core build machine, per metric, counted in every interval
  // of it (README, "How a verdict is reached"). CPU per request: three calibrations, hours apart,
  // pooled (6 intervals each: 1.0%, 0% and 0.5%): `overbench calibrate --profile ci --repeats 3
  // --seed 1931 --scenario hot-path-open --scenario chat-realistic`, 2026-12-02, `... --seed 2021`,
  // 2026-12-03, and `overbench calibrate --profile ci --repeats 3 --processes 3 --seed 2201
  // --scenario reconnect-churn --scenario cluster --scenario chat-realistic`, 2026-12-03. Latency
  // and throughput: the last, from the spread of its runs' pairs (12 degrees of freedom). Then
  // `overbench calibrate --profile ci --repeats 3 --seed 2621 --scenario hot-path-open --scenario
  // chat-realistic`, 2026-12-04, one pair: CPU 1.04% (6 intervals with a known truth), p50 2.0%,
  // p95, p99 and throughput 0 (its 3 A/A runs' misses). And `... --seed 2771`, 2026-12-04, a new
  // machine of the same kind: CPU 0 (6 intervals), p50, p95, p99 and throughput 0 (3 misses).
  // Pooled by the method of moments (n-weighted variances).
  // Recalibrate on another machine (`--calibration`).
  pairLuck: { cpuPerRequest: { sdPct: 0.69, n: 30 }, p50: { sdPct: 0.89, n: 18 }, p95: { sdPct: 0, n: 18 }, p99: { sdPct: 0.56, n: 18 }, throughput: { sdPct: 0, n: 18 } },
  warmupSec: 1,
  measureSec: 6,
  budgets: { p50: 2, p95: 3, p99: 5, throughput: 2, cpuPerRequest: 5, errorRate: 1 },
  profiles: {
    smoke: { processes: 1, rounds: 3, warmupSec: 0.25, measureSec: 1.5 },
    ci: { processes: 1, rounds: 12, warmupSec: 0, measureSec: 2 },
    full: { rounds: 12, warmupSec: 2, measureSec: 10 },
  },
});
