/** Response bodies shaped exactly like OpenAI's chat completions API (what the openai SDK parses). */
import type { Reply } from './reply.ts';

export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

function usage(r: Reply): object {
  return {
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    total_tokens: r.promptTokens + r.completionTokens,
  };
}

/**
 * Everything after `"model":...,` in a completion: it depends on the reply only, so the server
 * can reuse it for a repeated prompt and pay one string concatenation per answer.
 */
export function completionTail(r: Reply): string {
  const rest = JSON.stringify({
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: r.content, refusal: null },
        logprobs: null,
        finish_reason: r.finishReason,
      },
    ],
    usage: usage(r),
    system_fingerprint: 'fp_overbench',
  });
  return rest.slice(1);
}

/** OpenAI's key order: id, object, created, model, choices, usage, system_fingerprint. */
export function completionBody(meta: CompletionMeta, tail: string): string {
  return `{"id":${JSON.stringify(meta.id)},"object":"chat.completion","created":${meta.created},"model":${JSON.stringify(meta.model)},${tail}`;
}

function chunk(meta: CompletionMeta, delta: object, finishReason: string | null): string {
  const body = JSON.stringify({
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    system_fingerprint: 'fp_overbench',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  return `data: ${body}\n\n`;
}

/** The SSE events of a streamed reply, in order: role, one per piece, finish, [usage], [DONE]. */
export function streamEvents(meta: CompletionMeta, r: Reply, includeUsage: boolean): string[] {
  const events: string[] = [];
  events.push(chunk(meta, { role: 'assistant', content: '' }, null));
  for (const piece of r.pieces) events.push(chunk(meta, { content: piece }, null));
  events.push(chunk(meta, {}, r.finishReason));
  if (includeUsage) {
    const body = JSON.stringify({
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      choices: [],
      usage: usage(r),
    });
    events.push(`data: ${body}\n\n`);
  }
  events.push('data: [DONE]\n\n');
  return events;
}

export type ErrorKind = 'invalid_request' | 'invalid_api_key' | 'rate_limit' | 'server_error' | 'overloaded' | 'not_found';

const ERRORS: Record<ErrorKind, { type: string; code: string | null }> = {
  invalid_request: { type: 'invalid_request_error', code: null },
  invalid_api_key: { type: 'invalid_request_error', code: 'invalid_api_key' },
  rate_limit: { type: 'requests', code: 'rate_limit_exceeded' },
  server_error: { type: 'server_error', code: null },
  overloaded: { type: 'server_error', code: 'overloaded' },
  not_found: { type: 'invalid_request_error', code: 'unknown_url' },
};

export function errorBody(kind: ErrorKind, message: string, param: string | null = null): string {
  const e = ERRORS[kind];
  return JSON.stringify({ error: { message, type: e.type, param, code: e.code } });
}

/** 200 with a body cut in the middle: what a truncated upstream reply looks like. */
export const MALFORMED_JSON = '{"id":"chatcmpl-malformed","object":"chat.completion","choices":[{"index":0,"mess';
export const MALFORMED_SSE = 'data: {"id":"chatcmpl-malformed","object":"chat.completion.chunk","choi\n\n';
