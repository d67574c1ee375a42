/**
 * The fake's answer to a prompt: deterministic (same messages -> same text, different messages
 * -> different text, so cache tests can tell answers apart), cheap to compute, and split into
 * word-sized tokens for streaming.
 */

export interface ChatMessage {
  role: string;
  content: unknown;
}

export interface Reply {
  /** Token pieces; joined they are the content. */
  pieces: string[];
  content: string;
  promptTokens: number;
  completionTokens: number;
  finishReason: 'stop' | 'length';
  /**
   * FNV-1a of the last user message: what the fake keys its random draws on. Not the whole
   * conversation: the history a daemon sends depends on when its writes of earlier turns landed.
   */
  fingerprint: number;
}

const FILLER = (
  'the quick answer depends on context so here is a short deterministic reply from the overbench ' +
  'provider fake with enough words to stream a few tokens and measure time between them'
).split(' ');

/** Text of a message's content: a string, or the text parts of a multi-part content array. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    let out = '';
    for (const part of content) {
      if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') {
        out += (out ? ' ' : '') + (part as { text: string }).text;
      }
    }
    return out;
  }
  return '';
}

/** FNV-1a, 32 bit: a stable fingerprint of the conversation, no crypto needed. */
function fnv1a(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Build the reply: "Answer <hash>: <first words of the last user message> ..." padded with filler
 * words to `words` words. `maxTokens` (the request's max_tokens) truncates with finish_reason 'length'.
 */
export function buildReply(messages: ChatMessage[], words: number, maxTokens?: number): Reply {
  let h = 0x811c9dc5;
  let promptChars = 0;
  let lastUser = '';
  for (const m of messages) {
    const text = contentText(m.content);
    h = fnv1a(fnv1a(h, m.role), text);
    promptChars += text.length;
    if (m.role === 'user') lastUser = text;
  }
  const hash = h.toString(16).padStart(8, '0');
  const echo = lastUser.split(/\s+/).filter(Boolean).slice(0, 6);
  const tokens = ['Answer', `${hash}:`, ...echo];
  for (let i = 0; tokens.length < words; i++) tokens.push(FILLER[(h + i) % FILLER.length]);
  let finishReason: Reply['finishReason'] = 'stop';
  let count = Math.max(1, words);
  if (maxTokens !== undefined && maxTokens < count) {
    count = Math.max(1, maxTokens);
    finishReason = 'length';
  }
  // A piece is a word with its leading space, as BPE tokens usually are.
  const pieces = tokens.slice(0, count).map((w, i) => (i === 0 ? w : ' ' + w));
  return {
    pieces,
    content: pieces.join(''),
    // ~4 characters per token plus a few per message for the chat framing, as OpenAI counts.
    promptTokens: Math.ceil(promptChars / 4) + 3 * messages.length,
    // One token per piece, so usage matches the chunks a streaming client counts.
    completionTokens: pieces.length,
    finishReason,
    fingerprint: fnv1a(0x811c9dc5, lastUser),
  };
}
