/**
 * What the Supabase fake can be told at start (SupabaseFakeOptions) and at run time
 * (POST /__control), validated into the behaviour the server reads on every request.
 */
import { z } from 'zod';
import { LatencySpecError, parseLatency, type LatencyModel } from '../../common/latency.ts';
import type { StoreKind } from './store.ts';

export interface SupabaseFakeOptions {
  host?: string;
  port?: number;
  /** Delay added to every request (latency spec, e.g. `normal:mean=8ms,sd=2ms`). */
  latency?: string;
  /** Fraction of requests answered 503 PGRST001 (0..1). */
  errorRate?: number;
  /** Seed of the generator behind latency samples and fault draws (default 1). */
  seed?: number;
  /** `memory` (default) or `postgres`: DATABASE_URL/databaseUrl, else a throwaway cluster. */
  store?: StoreKind;
  databaseUrl?: string;
  /** Where initdb/pg_ctl live (default: PG_BIN_DIR, /usr/lib/postgresql/<newest>/bin, PATH). */
  pgBinDir?: string;
  /** Base directory for `empirical:file=` specs (default cwd). */
  baseDir?: string;
}

/** Bad Supabase fake configuration; the message starts with the option name. */
export class SupabaseConfigError extends Error {
  override name = 'SupabaseConfigError';
}

/** Read per request; replaced whole by /__control, never mutated. */
export interface Behaviour {
  readonly latency: LatencyModel | null;
  readonly errorRate: number;
}

const errorRate = z.number().min(0).max(1);
/** POST /__control body: keys optional; `latency: null` removes the delay. */
export const controlSchema = z.strictObject({
  latency: z.string().nullable().optional(),
  errorRate: errorRate.optional(),
});

function model(spec: string | null | undefined, baseDir?: string): LatencyModel | null {
  if (spec === undefined || spec === null || spec === '') return null;
  try {
    return parseLatency(spec, { baseDir });
  } catch (e) {
    if (e instanceof LatencySpecError) throw new SupabaseConfigError(`latency: ${e.message}`);
    throw e;
  }
}

export function initialBehaviour(opts: SupabaseFakeOptions): Behaviour {
  if (opts.store !== undefined && opts.store !== 'memory' && opts.store !== 'postgres') {
    throw new SupabaseConfigError(`store: must be "memory" or "postgres", got ${JSON.stringify(opts.store)}`);
  }
  const rate = opts.errorRate ?? 0;
  if (!errorRate.safeParse(rate).success) throw new SupabaseConfigError(`errorRate: must be a number between 0 and 1, got ${JSON.stringify(opts.errorRate)}`);
  return { latency: model(opts.latency, opts.baseDir), errorRate: rate };
}

export function applyControl(current: Behaviour, body: unknown, baseDir?: string): Behaviour {
  const parsed = controlSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.map(String).join('.') || 'body';
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    throw new SupabaseConfigError(`${where}: ${issue.message}${keys}`);
  }
  const c = parsed.data;
  return {
    latency: c.latency === undefined ? current.latency : model(c.latency, baseDir),
    errorRate: c.errorRate ?? current.errorRate,
  };
}

export function describeBehaviour(b: Behaviour): object {
  return { latency: b.latency?.spec ?? null, errorRate: b.errorRate };
}
