import { defineScenario } from '../index.ts';

// Self-contained on purpose: a scenario is plain data that users copy and edit, so the shape it
// shares with the other built-in scenarios (variants, profiles, budgets) is not factored out.

/**
 * The seed's world: a slow provider (median 800 ms, p99 4 s) and 64 clients. Here the metrics
 * layer is a rounding error on latency unless it blocks (a lock, a synchronous flush, a Redis
 * round trip per request): that is what this scenario is for.
 *
 * Budgets: 1% of an 800 ms median is 8 ms, thousands of times what exact metrics should cost,
 * so p50 may not move by more than 1% and throughput by 1%; tails 3%/5% because a 4 s p99 over a
 * few hundred calls per window is noisy. CPU per request 5% as in chat-realistic.
 * Error rate 1 pp: no faults are injected, and a ci window holds ~120 calls (64 clients / ~1 s
 * per call x 2 s), where one stray error is ~0.8 pp of its round.
 * The in-flight caps are raised: with the seed's GLM limit of 4 the daemon would finish 5 calls
 * a second and the scenario would measure its queue.
 *
 * Per-round warm-up windows are 0 in smoke/ci: the load runs on from round to round (a drain
 * waits ~3.5 s for the slowest call with the 4 s p99, so the harness drains once per pair:
 * README, "A load whose calls take seconds runs on through its rounds").
 * Time (windows only; a duet runs both variants' windows at once): default 2 x 4 + 6 x (1 + 6) = 50 s;
 * ci 4 + 10 x 2 = 24 s; smoke 1 + 3 x 1.5 = 5.5 s: measured on the shared 2-core box, the ci
 * profile of this scenario took 46-54 s in all (`realistic --scenario provider-slow --profile ci
 * --seed 2501`, `2502`), 76-90 s when every measured window drained.
 */
export default defineScenario({
  name: 'provider-slow',
  description: "the seed's world: provider median 800 ms, p99 4 s, 64 clients",
  protocol: 'exai',
  clients: 64,
  load: { model: 'closed', thinkTime: 'exponential:mean=100ms' },
  mix: [
    { weight: 9, tool: 'chat', args: { prompt: 'Review this design for failure modes.' } },
    { weight: 1, tool: 'status' },
  ],
  world: {
    provider: { latency: 'lognormal:median=800ms,p99=4s' },
    supabase: { latency: 'normal:mean=8ms,sd=2ms' },
    redis: { mode: 'auto' },
  },
  env: {
    EXAI_RATE_LIMIT: 'off',
    EXAI_MAX_CONNECTIONS_PER_IP: 128,
    EXAI_MAX_INFLIGHT: 128,
    EXAI_GLM_MAX_INFLIGHT: 128,
    EXAI_KIMI_MAX_INFLIGHT: 128,
  },
  variants: {
    baseline: { env: { METRICS_BACKEND: 'none' } },
    instrumented: { env: { METRICS_BACKEND: 'fast' } },
  },
  rounds: 6,
  // Two pairs of processes, whose spread counts in every interval (README, "How a verdict is reached").
  processes: 2,
  // One pair of processes' luck on the 2-core build machine, per metric, counted in every interval
  // of it (README, "How a verdict is reached"). CPU per request: two calibrations, hours apart,
  // pooled (6 intervals each, 0% in both: its rounds' intervals, wide already, held 5 and 6 of
  // their 6 truths; a run's own pairs still count, pooled with it): `overbench calibrate --profile
  // ci --repeats 3 --seed 2001 --scenario cluster --scenario many-idle --scenario provider-slow
  // --scenario reconnect-churn`, 2026-12-03, and `overbench calibrate --profile ci --repeats 3
  // --processes 3 --seed 2202 --scenario many-idle --scenario provider-slow`, 2026-12-03. Latency
  // and throughput: the last, from the spread of its runs' pairs (12 degrees of freedom): the
  // provider's wait, the same for both variants, is most of every request.
  // Recalibrate on another machine (`--calibration`).
  pairLuck: { cpuPerRequest: { sdPct: 0, n: 12 }, p50: { sdPct: 0, n: 12 }, p95: { sdPct: 0, n: 12 }, p99: { sdPct: 0, n: 12 }, throughput: { sdPct: 0.15, n: 12 } },
  warmupSec: 1,
  measureSec: 6,
  budgets: { p50: 1, p95: 3, p99: 5, throughput: 1, cpuPerRequest: 5, errorRate: 1 },
  profiles: {
    smoke: { processes: 1, rounds: 3, warmupSec: 0, measureSec: 1.5 },
    ci: { processes: 1, rounds: 10, warmupSec: 0, measureSec: 2 },
    full: { rounds: 10, warmupSec: 2, measureSec: 15 },
  },
});
