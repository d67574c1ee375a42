/**
 * Which connection currently serves each session, and session resume: a client that reconnects
 * with its session_id is counted as a reconnect and receives the results that finished while it
 * was away (from the pending queue). Results for a session with no live connection are queued.
 */
import type { Peer } from '../protocol/peer.ts';
import type { MetricsBackend } from '../metrics/types.ts';
import type { SessionStore } from '../stores/session-store.ts';
import type { PendingQueue } from '../stores/pending-queue.ts';
import * as F from '../protocol/frames.ts';

export class SessionRegistry {
  private readonly live = new Map<string, Peer>();

  constructor(
    private readonly store: SessionStore,
    private readonly pending: PendingQueue,
    private readonly metrics: MetricsBackend,
    private readonly log: (line: string) => void,
  ) {}

  /** After hello_ack: register, detect a resume, deliver what is pending. Runs in the background. */
  attach(conn: Peer, clientChoseId: boolean): void {
    const sid = conn.sessionId;
    const previous = this.live.get(sid);
    this.live.set(sid, conn);
    this.store.connect(sid).then(
      (existed) => {
        if (clientChoseId && (existed || previous !== undefined) && conn.client) this.metrics.reconnect(conn.client);
        return this.deliverPending(conn);
      },
      (err: unknown) => {
        this.metrics.error(conn.client, 'redis');
        conn.send(F.opError(null, { code: 'REDIS_ERROR', message: `session store unavailable: ${(err as Error).message}` }));
      },
    );
  }

  detach(conn: Peer): void {
    if (this.live.get(conn.sessionId) === conn) this.live.delete(conn.sessionId);
  }

  current(sessionId: string): Peer | undefined {
    const c = this.live.get(sessionId);
    return c !== undefined && c.isOpen ? c : undefined;
  }

  /** A terminal frame for a session whose originating connection is gone. */
  deliver(sessionId: string, frame: string): void {
    const c = this.current(sessionId);
    if (c !== undefined) {
      c.send(frame);
      return;
    }
    this.pending.push(sessionId, frame).catch((err: unknown) => {
      // Nobody to tell on the wire: count it and log it, so the loss is never silent.
      this.metrics.error(null, 'redis');
      this.log(`pending queue push failed for session ${sessionId}: ${(err as Error).message}`);
    });
  }

  private async deliverPending(conn: Peer): Promise<void> {
    try {
      const frames = await this.pending.drain(conn.sessionId);
      for (const f of frames) {
        if (!conn.send(f)) {
          // The connection went away mid-delivery: put the rest back for the next resume.
          for (const rest of frames.slice(frames.indexOf(f))) await this.pending.push(conn.sessionId, rest);
          return;
        }
      }
    } catch (err) {
      this.metrics.error(conn.client, 'redis');
      conn.send(F.opError(null, { code: 'REDIS_ERROR', message: `pending results unavailable: ${(err as Error).message}` }));
    }
  }
}
