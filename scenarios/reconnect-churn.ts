import { defineScenario } from '../index.ts';

// Self-contained on purpose: a scenario is plain data that users copy and edit, so the shape it
// shares with the other built-in scenarios (variants, profiles, budgets) is not factored out.

/**
 * Clients that drop and come back: every 5 requests each client closes its connection and
 * reconnects with the same session id (session resume from Redis). This drives the paths a
 * per-request benchmark never sees: connect, hello, per-client metrics records looked up or
 * created, connection close.
 *
 * Budgets: the requests are cheap (status, echo, a cached chat) and each client pays a WebSocket
 * handshake every 5 requests, so connection bookkeeping is a large share of the CPU: 10% for CPU
 * per request, latency 5/10/15% (loopback, sub-millisecond), throughput 5% (closed model: a
 * slower target is also less throughput; CPU per request covers the cost, throughput a target that
 * waits without spending). Throughput was 3% until a calibration measured its pair luck: one pair
 * of processes moves it by sd 2.1% on the 2-core build machine (`pairLuck` below), so at the `ci`
 * profile's rounds no interval that counts it is narrower than about +-3%: a 3% budget could only
 * be decided by a drop well past it (`gate --seed 2123`, one pair, read +3.8% where four others
 * read -0.4% to +1.2%). Pooled with a later calibration the luck is 1.54%, and its intervals over
 * the `ci` profile's two pairs still span about +-2.6-2.9% (gates 2601-2604): too wide for 3%.
 * No p99 floor: p99 is 25-90 ms here (smoke, seed 2), so
 * 15% is already milliseconds. Error rate 0.1 pp: no faults injected, ~1,700 calls per ci window.
 * The per-IP limit keeps a spare slot per client: a reconnect may arrive before the old socket's
 * close is processed.
 *
 * Time (windows only; a duet runs both variants' windows at once): default 2 x 4 + 6 x (1 + 5) = 44 s;
 * ci 2 x 4 + 12 x (0.25 + 1) = 23 s, in two pairs of six rounds (a pair's luck counted over sqrt(2));
 * smoke 1 + 3 x 1.75 = 6.25 s.
 */
export default defineScenario({
  name: 'reconnect-churn',
  description: 'clients drop and reconnect with session resume every 5 requests',
  protocol: 'exai',
  clients: 16,
  load: { model: 'closed', thinkTime: 'exponential:mean=5ms' },
  churn: { everyRequests: 5 },
  mix: [
    { weight: 4, tool: 'status' },
    { weight: 2, tool: 'echo', args: { text: 'overbench' } },
    { weight: 1, tool: 'chat', args: { prompt: 'Cached answer, please.' }, repeat: true },
  ],
  world: {
    provider: { latency: 'lognormal:median=120ms,p99=900ms' },
    supabase: { latency: 'normal:mean=8ms,sd=2ms' },
    redis: { mode: 'auto' },
  },
  env: { EXAI_RATE_LIMIT: 'off', EXAI_MAX_CONNECTIONS_PER_IP: 64 },
  variants: {
    baseline: { env: { METRICS_BACKEND: 'none' } },
    instrumented: { env: { METRICS_BACKEND: 'fast' } },
  },
  rounds: 6,
  // Two pairs of processes, whose spread counts in every interval (README, "How a verdict is reached").
  processes: 2,
  // One pair of processes' luck on the 2-core build machine, per metric, counted in every interval
  // of it (README, "How a verdict is reached"). CPU per request: two calibrations, hours apart,
  // pooled (6 intervals each: 1.1% and 2.71%): `overbench calibrate --profile ci --repeats 3 --seed
  // 2001 --scenario cluster --scenario many-idle --scenario provider-slow --scenario
  // reconnect-churn`, 2026-12-03, and `overbench calibrate --profile ci --repeats 3 --processes 3
  // --seed 2201 --scenario reconnect-churn --scenario cluster --scenario chat-realistic`,
  // 2026-12-03. Latency and throughput: the last, from the spread of its runs' pairs (12 degrees of
  // freedom). Then, hours later, `overbench calibrate --profile ci --repeats 3 --processes 3 --seed
  // 2611 --scenario reconnect-churn` (2026-12-03, over pairs: CPU 0.0% from 15 degrees of freedom;
  // p50 0.54%, p95 0, p99 0, throughput 0.55% from 12), pooled with the above by the method of
  // moments (n-weighted variances).
  // Recalibrate on another machine (`--calibration`).
  pairLuck: { cpuPerRequest: { sdPct: 1.38, n: 27 }, p50: { sdPct: 1.91, n: 24 }, p95: { sdPct: 2.33, n: 24 }, p99: { sdPct: 0, n: 24 }, throughput: { sdPct: 1.54, n: 24 } },
  warmupSec: 1,
  measureSec: 5,
  budgets: { p50: 5, p95: 10, p99: 15, throughput: 5, cpuPerRequest: 10, errorRate: 0.1 },
  profiles: {
    smoke: { processes: 1, rounds: 3, warmupSec: 0.25, measureSec: 1.5 },
    ci: { processes: 2, rounds: 12, warmupSec: 0.25, measureSec: 1 },
    full: { rounds: 12, warmupSec: 2, measureSec: 10 },
  },
});
