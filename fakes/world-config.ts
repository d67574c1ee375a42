/**
 * WorldConfig: what `npm run fakes` (flags or --config JSON) and the harness (a scenario's
 * world) ask of the fakes, validated whole before anything starts: types, ranges, unknown keys,
 * latency specs, and whether a required binary exists. A problem is a UsageError whose one-line
 * message names the key (prefixed by where it came from, e.g. the config file).
 */
import { z } from 'zod';
import { UsageError } from '../common/exit-codes.ts';
import { LatencySpecError, parseLatency } from '../common/latency.ts';
import { requireRealRedis } from './redis/find.ts';
import { PostgresUnavailableError, findPgBinDir } from './supabase/postgres-cluster.ts';

export interface WorldConfig {
  providerLatency?: string;
  /** Fraction of provider requests answered 500. */
  providerErrorRate?: number;
  /** Provider requests per minute (429 + Retry-After above it). */
  providerRpm?: number;
  /** Provider tokens (prompt + reply) per minute (429 + Retry-After above it). */
  providerTpm?: number;
  /** When set, the provider fake requires `Authorization: Bearer <providerKey>`. */
  providerKey?: string;
  supabaseLatency?: string;
  /** Fraction of Supabase requests answered 503. */
  supabaseErrorRate?: number;
  redis?: 'auto' | 'real' | 'fake';
  /** Added in front of Redis by the latency proxy, once per request round trip. */
  redisLatency?: string;
  store?: 'memory' | 'postgres';
  seed?: number;
}

const rate = z.number().min(0).max(1);
export const worldConfigSchema = z.strictObject({
  providerLatency: z.string().optional(),
  providerErrorRate: rate.optional(),
  providerRpm: z.number().int().positive().optional(),
  providerTpm: z.number().int().positive().optional(),
  providerKey: z.string().min(1).optional(),
  supabaseLatency: z.string().optional(),
  supabaseErrorRate: rate.optional(),
  redis: z.enum(['auto', 'real', 'fake']).optional(),
  redisLatency: z.string().optional(),
  store: z.enum(['memory', 'postgres']).optional(),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
});

export const WORLD_CONFIG_KEYS = Object.keys(worldConfigSchema.shape) as (keyof WorldConfig)[];

const LATENCY_KEYS = ['providerLatency', 'supabaseLatency', 'redisLatency'] as const;

export interface ValidateOptions {
  /** Prefix of error messages, e.g. `--config world.json: ` (default none). */
  where?: string;
  /** For `empirical:file=` specs. */
  baseDir?: string;
  /** Where REDIS_URL, DATABASE_URL and PATH are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** How a key is named in messages (default: the key itself; main passes the flag). */
  label?: (key: string) => string;
  /** Also check that `redis: real` / `store: postgres` can be served (default true). */
  checkBinaries?: boolean;
}

/** Check a config (parsed JSON or built from flags); returns it typed or throws UsageError. */
export function validateWorldConfig(input: unknown, opts: ValidateOptions = {}): WorldConfig {
  const where = opts.where ?? '';
  const label = opts.label ?? ((key: string) => key);
  const parsed = worldConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      throw new UsageError(`${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (expected ${WORLD_CONFIG_KEYS.join(', ')})`);
    }
    const key = issue.path.map(String).join('.') || 'config';
    throw new UsageError(`${where}${label(key)}: ${issue.message}`);
  }
  const config = parsed.data as WorldConfig;
  for (const key of LATENCY_KEYS) {
    const spec = config[key];
    if (spec === undefined) continue;
    try {
      parseLatency(spec, { baseDir: opts.baseDir });
    } catch (e) {
      if (e instanceof LatencySpecError) throw new UsageError(`${where}${label(key)}: ${e.message}`);
      throw e;
    }
  }
  if (opts.checkBinaries === false) return config;
  const env = opts.env ?? process.env;
  if (config.redis === 'real') requireRealRedis(env);
  if (config.store === 'postgres' && !env.DATABASE_URL) {
    try {
      findPgBinDir();
    } catch (e) {
      if (e instanceof PostgresUnavailableError) throw new UsageError(e.message);
      throw e;
    }
  }
  return config;
}
