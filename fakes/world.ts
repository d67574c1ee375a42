/**
 * The world a daemon under test lives in: the provider fake, the Supabase fake and a Redis,
 * started together from one WorldConfig and stopped together. Used by `npm run fakes`
 * (fakes/main.ts) and by anything that embeds the fakes in-process.
 */
import { allStarted } from '../common/all-started.ts';
import { UsageError } from '../common/exit-codes.ts';
import { ProviderConfigError, startProviderFake } from './provider/server.ts';
import { findRedis, type RedisKind } from './redis/find.ts';
import { PostgresUnavailableError, SupabaseConfigError, startSupabaseFake } from './supabase/server.ts';
import { validateWorldConfig, type ValidateOptions, type WorldConfig } from './world-config.ts';

export type { WorldConfig } from './world-config.ts';

export interface WorldEndpoints {
  provider: string;
  supabase: string;
  redis: string;
  redisKind: RedisKind;
}

export interface World {
  endpoints: WorldEndpoints;
  /** What actually serves Supabase's tables ('postgres' may be a throwaway cluster). */
  storeKind: 'memory' | 'postgres';
  close(): Promise<void>;
}

/** Faults of the setup, not bugs of the fakes: they become UsageError (exit 2, one line). */
function asUsageError(e: unknown): unknown {
  if (e instanceof UsageError) return e;
  if (e instanceof ProviderConfigError) return new UsageError(`provider: ${e.message}`);
  if (e instanceof SupabaseConfigError || e instanceof PostgresUnavailableError) return new UsageError(`supabase: ${e.message}`);
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new UsageError(`cannot listen: ${(e as Error).message}`);
  }
  return e;
}

/**
 * Validate the config, then start the three services in parallel. If any fails, the ones that
 * did start are closed before the error is thrown, so a failed start leaves nothing behind.
 * Each service draws from its own seed (seed, seed+1, seed+2) so one's traffic does not shift
 * another's random stream.
 */
export async function startWorld(input: WorldConfig, opts: ValidateOptions = {}): Promise<World> {
  const config = validateWorldConfig(input, opts);
  const seed = config.seed ?? 1;
  const [provider, supabase, redis] = await allStarted([
    startProviderFake({
      latency: config.providerLatency,
      apiKey: config.providerKey,
      faults: config.providerErrorRate ? { rate500: config.providerErrorRate } : undefined,
      limits: { rpm: config.providerRpm ?? null, tpm: config.providerTpm ?? null },
      seed,
      baseDir: opts.baseDir,
    }),
    startSupabaseFake({
      latency: config.supabaseLatency,
      errorRate: config.supabaseErrorRate,
      store: config.store,
      seed: seed + 1,
      baseDir: opts.baseDir,
    }),
    findRedis({ mode: config.redis, latency: config.redisLatency, seed: seed + 2, env: opts.env, baseDir: opts.baseDir }),
  ] as const, (x) => x.close()).catch((e: unknown) => {
    throw asUsageError(e);
  });
  let closing: Promise<void> | undefined;
  return {
    endpoints: { provider: provider.url, supabase: supabase.url, redis: redis.url, redisKind: redis.kind },
    storeKind: supabase.storeKind,
    close() {
      closing ??= Promise.allSettled([provider.close(), supabase.close(), redis.close()]).then((results) => {
        const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (bad) throw bad.reason;
      });
      return closing;
    },
  };
}
