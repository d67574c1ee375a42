import type { Design, ProfileName, Scenario } from './schema.ts';

/** A scenario with one profile applied: what a run actually executes. */
export type ResolvedScenario = Omit<Scenario, 'profiles'> & { profile: ProfileName | 'default' };

/**
 * Apply a profile over the top-level values (the default profile is the top-level values). A scenario
 * without that profile runs its top-level values. Budgets merge key by key so a profile can relax
 * one budget without repeating the others.
 */
export function applyProfile(scenario: Scenario, profile?: ProfileName): ResolvedScenario {
  const { profiles, ...base } = scenario;
  if (!profile) return { ...base, profile: 'default' };
  const p = profiles?.[profile] ?? {};
  return {
    ...base,
    ...(p.rounds !== undefined && { rounds: p.rounds }),
    ...(p.warmupSec !== undefined && { warmupSec: p.warmupSec }),
    ...(p.measureSec !== undefined && { measureSec: p.measureSec }),
    ...(p.clients !== undefined && { clients: p.clients }),
    ...(p.idleClients !== undefined && { idleClients: p.idleClients }),
    ...(p.load !== undefined && { load: p.load }),
    ...(p.requestTimeoutSec !== undefined && { requestTimeoutSec: p.requestTimeoutSec }),
    ...(p.design !== undefined && { design: p.design }),
    ...(p.processes !== undefined && { processes: p.processes }),
    budgets: { ...base.budgets, ...p.budgets },
    profile,
  };
}

/**
 * Seconds of windows a resolved scenario runs (both variants, every pair of processes' initial
 * warm-up included): a duet runs both variants' windows at the same time, so half of the
 * interleaved design's.
 */
export function plannedSeconds(s: Pick<ResolvedScenario, 'rounds' | 'warmupSec' | 'measureSec'> & { design?: Design; profile?: ResolvedScenario['profile']; processes?: number }): number {
  const pairs = Math.min(s.processes ?? 1, s.rounds);
  return (s.design === 'duet' ? 1 : 2) * (pairs * initialWarmupSec(s) + s.rounds * (s.warmupSec + s.measureSec));
}

/**
 * Before round 1 each target gets a longer warm-up (JIT, caches, connection pools): at least 4 s
 * outside smoke. Measured in hot-path-open at 800 requests/s (A/A, `ci`): CPU per request fell
 * from 2-3x its steady level over the first ~4 s of load (JIT tiers, the first major GCs), and
 * those rounds held most of the large A/A differences. Smoke, a check that things work, keeps 1 s.
 */
export function initialWarmupSec(s: Pick<ResolvedScenario, 'warmupSec'> & { profile?: ResolvedScenario['profile'] }): number {
  return Math.max(s.profile === 'smoke' ? 1 : 4, s.warmupSec * 2);
}
