/**
 * What the provider fake can be told, at start (ProviderFakeOptions) and at run time
 * (POST /__control), and its validation into the behaviour the server reads per request.
 */
import { z } from 'zod';
import { LatencySpecError, parseLatency, type LatencyModel } from '../../common/latency.ts';
import { NO_LIMITS, type RateLimitSpec } from './limits.ts';

export interface ProviderFaults {
  /** Fraction of requests answered 429 with Retry-After (immediately: a rate limiter rejects before work). */
  rate429?: number;
  /** Fraction answered 500 (after the latency delay). */
  rate500?: number;
  /** Fraction answered 503 (after the latency delay). */
  rate503?: number;
  /** Fraction never answered until the client disconnects. */
  rateHang?: number;
  /** Fraction answered 200 with a body that is not valid JSON (or a broken SSE event when streaming). */
  rateMalformed?: number;
  /** Retry-After header value of 429 answers, seconds (default 1). */
  retryAfterSec?: number;
}

export interface ProviderFakeOptions {
  host?: string;
  port?: number;
  /** Delay before a JSON answer; for streams, the time to first token when `ttft` is not given. */
  latency?: string;
  /** Seed of the generator behind latency samples and fault draws (default 1). */
  seed?: number;
  /** When set, `Authorization: Bearer <apiKey>` is required (401 otherwise). */
  apiKey?: string;
  /** Streaming: delay before the first content chunk. */
  ttft?: string;
  /** Streaming: delay before each following chunk. */
  tokenDelay?: string;
  faults?: ProviderFaults;
  /** Words in each reply (default 24); streams send one chunk per word. */
  replyWords?: number;
  /** Base directory for `empirical:file=` specs (default cwd). */
  baseDir?: string;
  /** Requests and tokens per minute, as GLM and Kimi limit them (429 + Retry-After above). */
  limits?: { rpm?: number | null; tpm?: number | null };
}

/** Bad provider fake configuration; the message starts with the option name. */
export class ProviderConfigError extends Error {
  override name = 'ProviderConfigError';
}

const rate = z.number().min(0).max(1);
const faultsSchema = z.strictObject({
  rate429: rate.optional(),
  rate500: rate.optional(),
  rate503: rate.optional(),
  rateHang: rate.optional(),
  rateMalformed: rate.optional(),
  retryAfterSec: z.number().int().min(0).max(86_400).optional(),
});

const perMinute = z.number().int().positive().nullable();
const limitsSchema = z.strictObject({ rpm: perMinute.optional(), tpm: perMinute.optional() });

/** POST /__control body: every key optional; `null` removes a delay (back to zero) or a limit. */
export const controlSchema = z.strictObject({
  limits: limitsSchema.optional(),
  latency: z.string().nullable().optional(),
  ttft: z.string().nullable().optional(),
  tokenDelay: z.string().nullable().optional(),
  faults: faultsSchema.optional(),
});
export type ControlBody = z.infer<typeof controlSchema>;

export type FaultRates = Required<ProviderFaults>;

/** What the server reads on every request; replaced whole by /__control, never mutated. */
export interface Behaviour {
  latency: LatencyModel | null;
  ttft: LatencyModel | null;
  tokenDelay: LatencyModel | null;
  faults: FaultRates;
  limits: RateLimitSpec;
}

export const NO_FAULTS: FaultRates = { rate429: 0, rate500: 0, rate503: 0, rateHang: 0, rateMalformed: 0, retryAfterSec: 1 };

function firstIssue(err: z.ZodError, where: string): ProviderConfigError {
  const issue = err.issues[0];
  const path = [where, ...issue.path.map(String)].filter(Boolean).join('.') || 'body';
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  return new ProviderConfigError(`${path}: ${issue.message}${keys}`);
}

function model(spec: string | null | undefined, field: string, baseDir?: string): LatencyModel | null {
  if (spec === undefined || spec === null) return null;
  try {
    return parseLatency(spec, { baseDir });
  } catch (e) {
    if (e instanceof LatencySpecError) throw new ProviderConfigError(`${field}: ${e.message}`);
    throw e;
  }
}

function mergeFaults(base: FaultRates, patch: unknown, where: string): FaultRates {
  const parsed = faultsSchema.safeParse(patch ?? {});
  if (!parsed.success) throw firstIssue(parsed.error, where);
  const next = { ...base, ...parsed.data };
  const sum = next.rate429 + next.rate500 + next.rate503 + next.rateHang + next.rateMalformed;
  if (sum > 1) throw new ProviderConfigError(`${where}: fault rates add up to ${sum}, more than 1`);
  return next;
}

export function initialBehaviour(opts: ProviderFakeOptions): Behaviour {
  return {
    latency: model(opts.latency, 'latency', opts.baseDir),
    ttft: model(opts.ttft, 'ttft', opts.baseDir),
    tokenDelay: model(opts.tokenDelay, 'tokenDelay', opts.baseDir),
    faults: mergeFaults(NO_FAULTS, opts.faults, 'faults'),
    limits: mergeLimits(NO_LIMITS, opts.limits, 'limits'),
  };
}

function mergeLimits(base: RateLimitSpec, patch: unknown, where: string): RateLimitSpec {
  const parsed = limitsSchema.safeParse(patch ?? {});
  if (!parsed.success) throw firstIssue(parsed.error, where);
  return { rpm: parsed.data.rpm === undefined ? base.rpm : parsed.data.rpm, tpm: parsed.data.tpm === undefined ? base.tpm : parsed.data.tpm };
}

/** Apply a /__control body to the current behaviour; keys not given keep their value. */
export function applyControl(current: Behaviour, body: unknown, baseDir?: string): Behaviour {
  const parsed = controlSchema.safeParse(body);
  if (!parsed.success) throw firstIssue(parsed.error, '');
  const c = parsed.data;
  return {
    latency: c.latency === undefined ? current.latency : model(c.latency, 'latency', baseDir),
    ttft: c.ttft === undefined ? current.ttft : model(c.ttft, 'ttft', baseDir),
    tokenDelay: c.tokenDelay === undefined ? current.tokenDelay : model(c.tokenDelay, 'tokenDelay', baseDir),
    faults: c.faults === undefined ? current.faults : mergeFaults(current.faults, c.faults, 'faults'),
    limits: c.limits === undefined ? current.limits : mergeLimits(current.limits, c.limits, 'limits'),
  };
}

/** The behaviour as JSON (GET /__control and the /__control reply). */
export function describeBehaviour(b: Behaviour): object {
  return {
    latency: b.latency?.spec ?? null,
    ttft: b.ttft?.spec ?? null,
    tokenDelay: b.tokenDelay?.spec ?? null,
    faults: b.faults,
    limits: b.limits,
  };
}
