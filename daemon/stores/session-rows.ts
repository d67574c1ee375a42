/**
 * The seed's `sessions` table: a row upserted when a client says hello (connected, its address,
 * when the session expires) and updated when it goes (last seen, disconnected, and the session's
 * token usage when usage is recorded). Off the reply path: the writes of one session are chained
 * so a quick disconnect never lands before its connect, and a failure is logged (once until the
 * next success) and counted as a `supabase` error, never sent to the client.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { MetricsBackend } from '../metrics/types.ts';
import type { SessionUsage } from '../pipeline/usage-quota.ts';

export class SessionRows {
  private readonly chains = new Map<string, Promise<void>>();
  private failing = false;

  constructor(
    private readonly db: SupabaseClient,
    private readonly opts: {
      ttlSec: number;
      instanceId: string;
      metrics: MetricsBackend;
      log: (line: string) => void;
      /** The session's usage so far, written on disconnect (null when usage is not recorded). */
      usage?: (sessionId: string) => Promise<SessionUsage> | null;
    },
  ) {}

  connected(sessionId: string, ip: string, resumed: boolean): void {
    this.chain(sessionId, async () => {
      const now = new Date();
      const { error } = await this.db.from('sessions').upsert(
        {
          id: sessionId,
          client_info: { ip, resumed },
          updated_at: now.toISOString(),
          last_seen_at: now.toISOString(),
          expires_at: new Date(now.getTime() + this.opts.ttlSec * 1000).toISOString(),
          metadata: { connected: true, instance: this.opts.instanceId },
        },
        { onConflict: 'id' },
      );
      if (error) throw new Error(`sessions upsert: ${error.message}`);
    });
  }

  disconnected(sessionId: string): void {
    this.chain(sessionId, async () => {
      const now = new Date().toISOString();
      const usage = (await this.opts.usage?.(sessionId)) ?? null;
      const { error } = await this.db
        .from('sessions')
        .update({ updated_at: now, last_seen_at: now, metadata: { connected: false, instance: this.opts.instanceId, ...(usage ? { usage } : {}) } })
        .eq('id', sessionId);
      if (error) throw new Error(`sessions update: ${error.message}`);
    });
  }

  /** Every write started so far, done (shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private chain(sessionId: string, write: () => Promise<void>): void {
    const before = this.chains.get(sessionId) ?? Promise.resolve();
    const next = before.then(write).then(
      () => {
        if (this.failing) this.opts.log('sessions table: writes recovered');
        this.failing = false;
      },
      (err: Error) => {
        this.opts.metrics.error(null, 'supabase');
        if (!this.failing) this.opts.log(`sessions table: ${err.message}`);
        this.failing = true;
      },
    );
    this.chains.set(sessionId, next);
    void next.then(() => {
      if (this.chains.get(sessionId) === next) this.chains.delete(sessionId);
    });
  }
}
