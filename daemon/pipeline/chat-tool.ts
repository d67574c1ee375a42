/**
 * `chat`, `glm_chat`, `kimi_chat`: the seed's per-call pipeline (EXAI-PROTOCOL.md, "What the
 * daemon does per chat call"). Each stage's latency goes to metrics from the performance.now()
 * timestamps the pipeline takes anyway for latency_metrics.
 */
import { StageId, type MetricsBackend } from '../metrics/types.ts';
import type { SessionStore } from '../stores/session-store.ts';
import { callKey, type ResultCache } from '../stores/result-cache.ts';
import type { ConversationStore, HistoryMessage } from '../stores/conversation-store.ts';
import type { Semaphore } from '../resilience/semaphore.ts';
import type { ProviderClient } from './provider-client.ts';
import { QuotaExceededError, type TokenUsage, type UsageLedger } from './usage-quota.ts';
import { storeStage } from './stage-error.ts';
import { ToolArgError, type Args, type AsyncTool, type CallContext, type ProviderName, type ToolOutcome } from '../tools/types.ts';

export interface ChatDeps {
  metrics: MetricsBackend;
  sessions: SessionStore;
  cache: ResultCache;
  conversations: ConversationStore;
  providers: Record<ProviderName, ProviderClient>;
  globalSemaphore: Semaphore;
  providerSemaphores: Record<ProviderName, Semaphore>;
  historyLimit: number;
  /** Token usage per session, and its quota; null when not recorded (EXAI_USAGE, EXAI_SESSION_TOKEN_QUOTA). */
  usage?: UsageLedger | null;
}

interface ChatArgs {
  prompt: string;
  model: string | null;
  stream: boolean;
  conversationId: string | null;
  system: string | null;
}

const INPUT_SCHEMA = {
  type: 'object',
  properties: {
    prompt: { type: 'string', description: 'The user message.' },
    model: { type: 'string', description: 'Provider model; defaults per provider.' },
    stream: { type: 'boolean', description: 'Stream the reply as stream_chunk frames.' },
    conversation_id: { type: 'string', description: 'Conversation to continue; defaults to the session id.' },
    system: { type: 'string', description: 'Optional system prompt.' },
  },
  required: ['prompt'],
};

function parseArgs(a: Args): ChatArgs {
  const prompt = a.prompt ?? a.message;
  if (typeof prompt !== 'string' || prompt.length === 0) throw new ToolArgError('"prompt" must be a non-empty string');
  const opt = (k: string): string | null => {
    const v = a[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || v.length === 0) throw new ToolArgError(`"${k}" must be a non-empty string`);
    return v;
  };
  if (a.stream !== undefined && typeof a.stream !== 'boolean') throw new ToolArgError('"stream" must be a boolean');
  return { prompt, model: opt('model'), stream: a.stream === true, conversationId: opt('conversation_id'), system: opt('system') };
}

/** Provider from the tool name (EXAI-PROTOCOL.md): kimi/moonshot -> Kimi, else GLM. */
export function providerForTool(name: string): ProviderName {
  return /kimi|moonshot/i.test(name) ? 'KIMI' : 'GLM';
}

export function createChatTool(name: string, description: string, deps: ChatDeps): AsyncTool {
  const provider = providerForTool(name);
  return {
    kind: 'async',
    name,
    description,
    provider,
    inputSchema: INPUT_SCHEMA,
    run: (call) => runChat(call, provider, deps),
  };
}

async function runChat(call: CallContext, provider: ProviderName, d: ChatDeps): Promise<ToolOutcome> {
  const m = d.metrics;
  const args = parseArgs(call.args);
  const signal = call.signal;
  const t0 = call.receivedAtMs;

  // 1. session (and the per-message rate limit, already taken by the connection)
  await storeStage('redis', d.sessions.touch(call.sessionId), signal);
  const t1 = performance.now();
  m.stageLatency(StageId.session, (t1 - t0) * 1000);

  // 2. result cache
  const key = callKey(call.toolName, call.args);
  const cached = await storeStage('redis', d.cache.get(key), signal);
  const t2 = performance.now();
  m.stageLatency(StageId.cache, (t2 - t1) * 1000);
  if (cached !== null) {
    m.cacheHit(call.client);
    return { text: cached, fromCache: true, provider, processingMs: t2 - t0 };
  }
  m.cacheMiss(call.client);
  call.running();

  // The session's token quota, before any provider is asked (OVER_CAPACITY when spent).
  const ledger = d.usage ?? null;
  if (ledger !== null && ledger.quota > 0) {
    const spent = await storeStage('redis', ledger.spent(call.sessionId), signal);
    if (spent >= ledger.quota) throw new QuotaExceededError(call.sessionId, spent, ledger.quota);
  }
  let usage: TokenUsage | null = null;

  // Concurrency: global, then per provider; callers wait (and leave the queue when cancelled).
  const g = d.globalSemaphore;
  const p = d.providerSemaphores[provider];
  await g.acquire(signal);
  const tg = performance.now();
  try {
    await p.acquire(signal);
  } catch (err) {
    g.release();
    throw err;
  }
  const tp = performance.now();
  const client = d.providers[provider];
  const model = args.model ?? client.cfg.defaultModel;
  const conversationId = args.conversationId ?? call.sessionId;
  let reply: string;
  let t5: number;
  try {
    // 3. history
    const history = await storeStage('supabase', d.conversations.history(conversationId, d.historyLimit, signal), signal);
    const t3 = performance.now();
    m.stageLatency(StageId.history, (t3 - tp) * 1000);

    // 4. provider
    const messages: HistoryMessage[] = [];
    if (args.system !== null) messages.push({ role: 'system', content: args.system });
    for (const h of history) messages.push(h);
    messages.push({ role: 'user', content: args.prompt });
    reply = await client.complete({
      model, messages, stream: args.stream, signal, deadlineMs: call.deadlineMs,
      onChunk: (t) => call.chunk(t),
      onUsage: ledger === null ? undefined : (u) => (usage = u),
    });
    const t4 = performance.now();
    m.stageLatency(StageId.provider, (t4 - t3) * 1000);
    // Usage is written with the persist stage (its time counts there, not as provider time).
    if (ledger !== null && usage !== null) await storeStage('redis', ledger.record(call.sessionId, usage), signal);

    // 5. persist
    await storeStage(
      'supabase',
      d.conversations.persist({ conversationId, sessionId: call.sessionId, prompt: args.prompt, reply, provider, model }, signal),
      signal,
    );
    t5 = performance.now();
    m.stageLatency(StageId.persist, (t5 - t4) * 1000);
  } finally {
    p.release();
    g.release();
  }

  // 6. cache write
  await storeStage('redis', d.cache.set(key, reply), signal);
  const t6 = performance.now();
  m.stageLatency(StageId.total, (t6 - t0) * 1000);
  return {
    text: reply,
    fromCache: false,
    provider,
    processingMs: t6 - tp,
    globalSemWaitMs: tg - t2,
    providerSemWaitMs: tp - tg,
  };
}
