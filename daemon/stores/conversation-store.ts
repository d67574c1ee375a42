/**
 * Conversation history and persistence in Supabase through supabase-js (the seed's pipeline
 * stages 3 and 5). Without SUPABASE_URL both stages are skipped: the daemon still answers.
 */
import { createHash } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';

export interface HistoryMessage {
  role: 'user' | 'assistant' | 'system';
  content: string;
}

export interface Turn {
  conversationId: string;
  sessionId: string;
  prompt: string;
  reply: string;
  provider: string;
  model: string;
}

export interface ConversationStore {
  history(conversationId: string, limit: number, signal: AbortSignal): Promise<HistoryMessage[]>;
  persist(turn: Turn, signal: AbortSignal): Promise<void>;
}

export class SupabaseStoreError extends Error {
  override name = 'SupabaseStoreError';
}

/** The seed's idempotency key: a retried insert of the same message is a no-op. */
export function idempotencyKey(role: string, content: string, createdAt: string): string {
  return createHash('sha256').update(`${role}:${content}:${createdAt}`).digest('hex');
}

export function createSupabase(url: string, key: string): SupabaseClient {
  return createClient(url, key, { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } });
}

export function createConversationStore(db: SupabaseClient | null): ConversationStore {
  if (db === null) {
    return { history: async () => [], persist: async () => {} };
  }
  return {
    async history(conversationId, limit, signal) {
      if (limit === 0) return [];
      const { data, error } = await db
        .from('messages')
        .select('role,content,created_at')
        .eq('conversation_id', conversationId)
        .order('created_at', { ascending: false })
        .order('id', { ascending: false })
        .limit(limit)
        .abortSignal(signal);
      if (error) throw new SupabaseStoreError(`history read failed: ${error.message}`);
      return (data ?? []).reverse().map((r) => ({ role: r.role as HistoryMessage['role'], content: String(r.content ?? '') }));
    },
    async persist(t, signal) {
      const now = new Date();
      const userAt = now.toISOString();
      // One millisecond apart so the pair keeps its order in the history read.
      const replyAt = new Date(now.getTime() + 1).toISOString();
      const conv = await db
        .from('conversations')
        .upsert({ id: t.conversationId, session_id: t.sessionId, updated_at: userAt }, { onConflict: 'id' })
        .abortSignal(signal);
      if (conv.error) throw new SupabaseStoreError(`conversations upsert failed: ${conv.error.message}`);
      const rows = [
        { conversation_id: t.conversationId, role: 'user', content: t.prompt, created_at: userAt, idempotency_key: idempotencyKey('user', t.prompt, userAt), metadata: {} },
        {
          conversation_id: t.conversationId, role: 'assistant', content: t.reply, created_at: replyAt,
          idempotency_key: idempotencyKey('assistant', t.reply, replyAt), metadata: { provider: t.provider, model: t.model },
        },
      ];
      const msgs = await db
        .from('messages')
        .upsert(rows, { onConflict: 'idempotency_key', ignoreDuplicates: true })
        .abortSignal(signal);
      if (msgs.error) throw new SupabaseStoreError(`messages insert failed: ${msgs.error.message}`);
    },
  };
}
