/** Validation of a chat completion request body, with the 400 messages OpenAI gives. */
import type { ChatMessage } from './reply.ts';

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  includeUsage: boolean;
  maxTokens?: number;
}

export type Parsed = { ok: true; value: ChatRequest } | { ok: false; message: string; param: string | null };

const bad = (message: string, param: string | null = null): Parsed => ({ ok: false, message, param });

export function parseChatRequest(text: string): Parsed {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return bad('We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly.)');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return bad('The request body must be a JSON object.');
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '') return bad('you must provide a model parameter', 'model');
  const messages = b.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return bad(messages === undefined ? "Missing required parameter: 'messages'." : "Invalid 'messages': expected a non-empty array.", 'messages');
  }
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as Record<string, unknown> | null;
    if (!m || typeof m !== 'object' || typeof m.role !== 'string') {
      return bad(`Missing required parameter: 'messages[${i}].role'.`, `messages[${i}].role`);
    }
  }
  if (b.stream !== undefined && b.stream !== null && typeof b.stream !== 'boolean') {
    return bad("Invalid type for 'stream': expected a boolean.", 'stream');
  }
  const limit = b.max_completion_tokens ?? b.max_tokens;
  if (limit !== undefined && limit !== null && !(Number.isInteger(limit) && (limit as number) >= 1)) {
    return bad("Invalid 'max_tokens': expected an integer >= 1.", 'max_tokens');
  }
  const streamOptions = b.stream_options as { include_usage?: unknown } | undefined | null;
  return {
    ok: true,
    value: {
      model: b.model,
      messages: messages as ChatMessage[],
      stream: b.stream === true,
      includeUsage: streamOptions?.include_usage === true,
      maxTokens: (limit ?? undefined) as number | undefined,
    },
  };
}
