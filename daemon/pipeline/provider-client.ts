/**
 * One provider (GLM or Kimi) through the `openai` SDK with a base-URL override. The SDK's own
 * retries are off (maxRetries 0): retries, backoff and the circuit breaker are ours, so every
 * attempt is visible to the breaker. The SDK's own timeout bounds one attempt; the call's deadline
 * is the call's alone (its timer aborts `signal`), so a call that outlives it always ends as TIMEOUT,
 * never as a provider timeout that raced the call's timer.
 */
import OpenAI, { APIConnectionError, APIError, APIUserAbortError, toFile } from 'openai';
import type { ProviderConfig } from '../config.ts';
import { CircuitBreaker } from '../resilience/circuit-breaker.ts';
import { parseRetryAfter, withRetries, type RetryDecision, type RetryPolicy } from '../resilience/retry.ts';
import type { HistoryMessage } from '../stores/conversation-store.ts';
import type { TokenUsage } from './usage-quota.ts';

export interface CompletionRequest {
  model: string;
  messages: HistoryMessage[];
  stream: boolean;
  signal: AbortSignal;
  deadlineMs: number;
  onChunk: (text: string) => void;
  /** The reply's token usage, when the daemon records it (a stream then asks for its usage chunk). */
  onUsage?: (u: TokenUsage) => void;
}

/** The provider answered, but not with a chat completion we can read. */
export class ProviderResponseError extends Error {
  override name = 'ProviderResponseError';
}

export class ProviderClient {
  private readonly sdk: OpenAI;

  constructor(
    readonly cfg: ProviderConfig,
    readonly breaker: CircuitBreaker,
    private readonly policy: RetryPolicy,
    attemptTimeoutMs: number,
  ) {
    this.sdk = new OpenAI({ baseURL: cfg.baseUrl, apiKey: cfg.apiKey, maxRetries: 0, timeout: Math.ceil(attemptTimeoutMs) });
  }

  /** The reply text; retried per policy; throws the last error. */
  complete(req: CompletionRequest): Promise<string> {
    let streamed = false;
    const onChunk = (t: string) => {
      streamed = true;
      req.onChunk(t);
    };
    return withRetries(() => this.attempt(req, onChunk), {
      policy: this.policy,
      deadlineMs: req.deadlineMs,
      signal: req.signal,
      // Chunks already forwarded cannot be taken back: a stream that broke midway is not retried.
      classify: (err) => (streamed ? { retry: false } : classify(err)),
    });
  }

  private async attempt(req: CompletionRequest, onChunk: (t: string) => void): Promise<string> {
    this.breaker.acquire();
    try {
      const text = req.stream ? await this.streamed(req, onChunk) : await this.single(req);
      this.breaker.success();
      return text;
    } catch (err) {
      if (req.signal.aborted || err instanceof APIUserAbortError) this.breaker.abandon();
      else if (countsAgainstProvider(err)) this.breaker.failure();
      else this.breaker.abandon();
      throw err;
    }
  }

  private async single(req: CompletionRequest): Promise<string> {
    const res = await this.sdk.chat.completions.create(
      { model: req.model, messages: req.messages },
      { signal: req.signal },
    );
    const text = res?.choices?.[0]?.message?.content;
    if (typeof text !== 'string') throw new ProviderResponseError(`${this.cfg.name} reply has no choices[0].message.content`);
    if (req.onUsage && res.usage) req.onUsage(usageOf(res.usage));
    return text;
  }

  private async streamed(req: CompletionRequest, onChunk: (t: string) => void): Promise<string> {
    const stream = await this.sdk.chat.completions.create(
      { model: req.model, messages: req.messages, stream: true, ...(req.onUsage ? { stream_options: { include_usage: true } } : {}) },
      { signal: req.signal },
    );
    let text = '';
    for await (const chunk of stream) {
      if (req.onUsage && chunk?.usage) req.onUsage(usageOf(chunk.usage));
      const piece = chunk?.choices?.[0]?.delta?.content;
      if (typeof piece === 'string' && piece.length > 0) {
        text += piece;
        onChunk(piece);
      }
    }
    return text;
  }

  /** An OpenAI-compatible file upload (`POST {base}/files`): the provider's file id. */
  async uploadFile(bytes: Uint8Array, filename: string, purpose: string, signal: AbortSignal): Promise<string> {
    const file = await toFile(bytes, filename);
    const res = await this.sdk.files.create({ file, purpose: purpose as 'assistants' }, { signal });
    if (typeof res?.id !== 'string') throw new ProviderResponseError(`${this.cfg.name} file upload answered without an id`);
    return res.id;
  }
}

function usageOf(u: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number }): TokenUsage {
  const prompt = u.prompt_tokens ?? 0;
  const completion = u.completion_tokens ?? 0;
  return { prompt, completion, total: u.total_tokens ?? prompt + completion };
}

/** Rate limits, server errors, timeouts, broken connections and garbage are worth retrying. */
export function classify(err: unknown): RetryDecision {
  if (err instanceof APIUserAbortError) return { retry: false };
  if (err instanceof APIConnectionError) return { retry: true };
  if (err instanceof APIError) {
    const s = err.status ?? 0;
    if (s === 408 || s === 409 || s === 429 || s >= 500) {
      return { retry: true, retryAfterMs: parseRetryAfter(err.headers?.get('retry-after')) };
    }
    return { retry: false };
  }
  if (err instanceof ProviderResponseError || err instanceof SyntaxError) return { retry: true };
  return { retry: false };
}

/** Failures that say the provider is unhealthy (a 400 for a bad request does not). */
function countsAgainstProvider(err: unknown): boolean {
  if (err instanceof APIConnectionError || err instanceof ProviderResponseError || err instanceof SyntaxError) return true;
  if (err instanceof APIError) {
    const s = err.status ?? 0;
    return s === 408 || s === 429 || s >= 500;
  }
  return true;
}
