import type { FakesEndpoints } from './fakes-process.ts';
import { usesWorld, type WorldPart } from './placeholders.ts';

/** The key every service of the fake world accepts (nothing checks it; clients insist on one). */
export const FAKE_KEY = 'overbench-fake-key';

/** `{provider}`, `{supabase}`, `{redis}`: the world's endpoints as placeholder values. */
export function worldPlaceholders(world: FakesEndpoints): Record<WorldPart, string> {
  return { provider: world.provider, supabase: world.supabase, redis: world.redis };
}

/**
 * What any spawned target finds in its env when a world runs (README, "Drive your own daemon"):
 * one name per endpoint, so a daemon can read them without a placeholder in the scenario.
 */
export function overbenchWorldEnv(world: FakesEndpoints): Record<string, string> {
  return {
    OVERBENCH_PROVIDER_URL: world.provider,
    OVERBENCH_SUPABASE_URL: world.supabase,
    // A world whose Supabase checks its key (compose-world.ts) says which; the fakes accept any.
    OVERBENCH_SUPABASE_KEY: world.supabaseKey ?? FAKE_KEY,
    OVERBENCH_REDIS_URL: world.redis,
  };
}

/**
 * Does a variant get the world? The reference daemon always does. A spawned target does when the
 * scenario writes a `world` (even `{}`) or its command or env uses a world placeholder. A url:
 * target is started by someone else: the harness cannot hand it anything.
 */
export function variantNeedsWorld(v: { spec: { kind: string; command?: string }; env: Readonly<Record<string, string>> }, worldWritten: boolean): boolean {
  if (v.spec.kind === 'reference') return true;
  if (v.spec.kind !== 'spawn' || v.spec.command === undefined) return false;
  return worldWritten || usesWorld(v.spec.command) || Object.values(v.env).some(usesWorld);
}
