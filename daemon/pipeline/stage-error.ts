/**
 * Turning any failure of a call into the wire error and metrics kind it is reported as. Store
 * failures are wrapped at the stage that saw them, so the reply says which dependency failed.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { ErrorKind } from '../metrics/types.ts';
import type { WireError } from '../protocol/frames.ts';
import { CircuitOpenError } from '../resilience/circuit-breaker.ts';
import { CallAborted } from '../calls/abort-reason.ts';
import { ToolArgError } from '../tools/types.ts';
import { ProviderResponseError } from './provider-client.ts';
import { QuotaExceededError } from './usage-quota.ts';

export class StoreError extends Error {
  override name = 'StoreError';
  constructor(readonly store: 'redis' | 'supabase', message: string) {
    super(message);
  }
}

/** Await a store operation; its failure becomes a StoreError naming the store (aborts pass through). */
export async function storeStage<T>(store: 'redis' | 'supabase', p: Promise<T>, signal: AbortSignal): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw new StoreError(store, `${store}: ${(err as Error).message}`);
  }
}

export function describeFailure(err: unknown): { kind: ErrorKind; wire: WireError } {
  if (err instanceof CallAborted) {
    if (err.why === 'timeout') return { kind: 'timeout', wire: { code: 'TIMEOUT', message: err.message } };
    return { kind: 'tool_error', wire: { code: 'CANCELLED', message: err.message } };
  }
  if (err instanceof ToolArgError) {
    return { kind: 'validation', wire: { code: 'INVALID_REQUEST', message: `Invalid arguments: ${err.message}` } };
  }
  if (err instanceof QuotaExceededError) {
    return { kind: 'rate_limited', wire: { code: 'OVER_CAPACITY', message: err.message, details: { reason: 'token_quota', spent: err.spent, quota: err.quota } } };
  }
  if (err instanceof StoreError) {
    return { kind: err.store, wire: { code: err.store === 'redis' ? 'REDIS_ERROR' : 'SUPABASE_ERROR', message: err.message } };
  }
  if (err instanceof CircuitOpenError) {
    return { kind: 'provider', wire: { code: 'PROVIDER_UNAVAILABLE', message: err.message, details: { provider: err.provider } } };
  }
  if (err instanceof APIConnectionTimeoutError) {
    return { kind: 'provider', wire: { code: 'PROVIDER_ERROR', message: 'provider request timed out' } };
  }
  if (err instanceof APIError && !(err instanceof APIConnectionError)) {
    return { kind: 'provider', wire: { code: 'PROVIDER_ERROR', message: `provider answered ${err.status ?? '?'}: ${err.message}`, details: { status: err.status } } };
  }
  if (err instanceof APIConnectionError || err instanceof ProviderResponseError || err instanceof SyntaxError) {
    return { kind: 'provider', wire: { code: 'PROVIDER_ERROR', message: `provider failed: ${(err as Error).message}` } };
  }
  return { kind: 'internal', wire: { code: 'INTERNAL_ERROR', message: `internal error: ${(err as Error)?.message ?? String(err)}` } };
}
