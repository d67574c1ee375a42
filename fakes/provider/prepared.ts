/**
 * Parse, reply and serialisation of a request body, cached by the body text: load tests repeat a
 * few prompts, and the same text always parses to the same request and reply. This keeps the fake
 * close to a bare node:http server in CPU per request (see fakes/bench/fakes-bench.ts).
 */
import { completionTail } from './bodies.ts';
import { buildReply, type Reply } from './reply.ts';
import { parseChatRequest, type ChatRequest, type Parsed } from './request.ts';

export interface Prepared {
  request: ChatRequest;
  reply: Reply;
  /** completionTail(reply), for JSON answers. */
  tail: string;
}

export type PrepareResult = { ok: true; value: Prepared } | Extract<Parsed, { ok: false }>;

/** Bodies longer than this are not cached, so the cache stays within a few MB. */
const MAX_CACHED_BODY = 4096;
const MAX_ENTRIES = 512;

export function createPreparer(replyWords: number): (text: string) => PrepareResult {
  const cache = new Map<string, Prepared>();
  return (text) => {
    const hit = cache.get(text);
    if (hit) return { ok: true, value: hit };
    const parsed = parseChatRequest(text);
    if (!parsed.ok) return parsed;
    const reply = buildReply(parsed.value.messages, replyWords, parsed.value.maxTokens);
    const prepared: Prepared = { request: parsed.value, reply, tail: completionTail(reply) };
    if (text.length <= MAX_CACHED_BODY) {
      // Cheaper than LRU bookkeeping, and a benchmark's prompt set is usually far smaller.
      if (cache.size >= MAX_ENTRIES) cache.clear();
      cache.set(text, prepared);
    }
    return { ok: true, value: prepared };
  };
}
