import { defineScenario } from '../index.ts';

// Self-contained on purpose: a scenario is plain data that users copy and edit, so the shape it
// shares with the other built-in scenarios (variants, profiles, budgets) is not factored out.

/**
 * 1,000 idle connections beside 8 busy ones: a metrics design with per-client records that it
 * walks, snapshots or flushes pays for every idle client on every tick, and it shows here as CPU
 * per request of the busy ones (and as RSS in the rounds). The daemon's admission limits are
 * raised (defaults: 1,000 in all, 10 per IP) since every connection comes from 127.0.0.1.
 *
 * Budgets: as hot-path work (status, echo, cached chat) 10% for CPU per request, 5/10/15% for
 * loopback latency, 3% throughput. p99 has a 1 ms floor as in hot-path-open: p50 0.3-0.6 ms, p99
 * 4.6-10 ms on the shared 2-core box (smoke profile: 200 idle clients, seed 2), a tail of time
 * slices, not of the path.
 * Error rate 0.1 pp: no faults injected, ~2,000 calls per ci window (one error is 0.05 pp).
 *
 * Time (windows only; a duet runs both variants' windows at once): default 2 x 4 + 6 x (1 + 5) = 44 s;
 * ci 4 + 12 x (0.25 + 1) = 19 s; smoke 1 + 3 x 1.75 = 6.25 s,
 * plus opening 1,000 connections per target once.
 */
export default defineScenario({
  name: 'many-idle',
  description: '1,000 idle connections beside 8 busy ones',
  protocol: 'exai',
  clients: 8,
  idleClients: 1000,
  load: { model: 'closed', thinkTime: 'exponential:mean=5ms' },
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
  env: {
    EXAI_RATE_LIMIT: 'off',
    EXAI_MAX_CONNECTIONS: 2000,
    EXAI_MAX_CONNECTIONS_PER_IP: 2000,
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
  // pooled (6 intervals each: 1.8% and 1.7%): `overbench calibrate --profile ci --repeats 3 --seed
  // 2001 --scenario cluster --scenario many-idle --scenario provider-slow --scenario
  // reconnect-churn`, 2026-12-03, and `overbench calibrate --profile ci --repeats 3 --processes 3
  // --seed 2202 --scenario many-idle --scenario provider-slow`, 2026-12-03. Latency and throughput:
  // the last, from the spread of its runs' pairs (12 degrees of freedom).
  // Recalibrate on another machine (`--calibration`).
  pairLuck: { cpuPerRequest: { sdPct: 1.75, n: 12 }, p50: { sdPct: 3.62, n: 12 }, p95: { sdPct: 1.13, n: 12 }, p99: { sdPct: 0, n: 12 }, throughput: { sdPct: 0.27, n: 12 } },
  warmupSec: 1,
  measureSec: 5,
  budgets: { p50: 5, p95: 10, p99: { pct: 15, floorUs: 1000 }, throughput: 3, cpuPerRequest: 10, errorRate: 0.1 },
  profiles: {
    smoke: { processes: 1, rounds: 3, warmupSec: 0.25, measureSec: 1.5, idleClients: 200 },
    ci: { processes: 1, rounds: 12, warmupSec: 0.25, measureSec: 1 },
    full: { rounds: 12, warmupSec: 2, measureSec: 10 },
  },
});
