/**
 * The seed's send path (src/monitoring/resilient_websocket.py, ResilientWebSocketManager.send),
 * each part switchable (EXAI_SEND_DEDUP, EXAI_SEND_BREAKER, EXAI_SEND_RETRY) so its cost can be
 * measured apart. What it does with one outgoing frame, in the seed's order:
 * 1. dedup: a frame already sent on this connection within the TTL is skipped, and counts as sent
 *    (metrics `dedupHit`);
 * 2. circuit breaker: ONE breaker for all sends of the daemon (the seed's "websocket_connections"
 *    breaker: 5 failures open it, 60 s cool-down, 2 successes close it). While it is OPEN nothing
 *    is sent: critical frames (a call's terminal `call_tool_res`) are queued, the rest dropped;
 * 3. the send itself; a failure (the connection is closed or closing for backpressure) counts
 *    against the breaker, and a critical frame is queued.
 * Retry: queued frames are re-sent with exponential backoff (base 1 s, x2, at most 60 s, +0-10%
 * jitter), at most 5 times, and dropped once older than the TTL (300 s) or when the session's queue
 * is full (1,000, the oldest first): the seed's constants. The seed defines this loop but starts a
 * placeholder task in its place on main (start_background_tasks), so its queued frames are never
 * retried; ours are, when EXAI_SEND_RETRY=on. Without retry, a session's queue is flushed before
 * the next frame that gets through to it.
 */
import type { SendPathConfig } from '../config.ts';
import type { CircuitState, ClientRef, MetricsBackend } from '../metrics/types.ts';
import { CircuitBreaker, CircuitOpenError } from '../resilience/circuit-breaker.ts';
import type { SendFigures } from '../dashboard/figures.ts';
import { SendDedup } from './dedup.ts';

/** What the send path needs of a connection (Connection implements it). */
export interface SendTarget {
  readonly sessionId: string;
  readonly client: ClientRef | null;
  /** Distinct per connection: the dedup scope (the seed scopes by the socket's remote address). */
  readonly sendScope: number;
  /** The plain send (backpressure rules included); false when the frame could not be sent. */
  sendNow(text: string): boolean;
}

interface Queued {
  text: string;
  enqueuedAt: number;
  attempts: number;
  nextAt: number;
}

const CRITICAL_PREFIX = '{"op":"call_tool_res"';

export class SendPath {
  readonly stats = { dedupHits: 0, queued: 0, dropped: 0, retried: 0, expired: 0 };
  private readonly dedup: SendDedup | null;
  readonly breaker: CircuitBreaker | null;
  private readonly queues = new Map<string, Queued[]>();
  private readonly targets = new Map<string, SendTarget>();
  private retryTimer: NodeJS.Timeout | null = null;
  private depth = 0;

  constructor(
    private readonly cfg: SendPathConfig,
    private readonly metrics: MetricsBackend,
    onBreakerChange: (from: CircuitState, to: CircuitState) => void,
    private readonly now: () => number = () => performance.now(),
    private readonly random: () => number = Math.random,
  ) {
    this.dedup = cfg.dedup ? new SendDedup(cfg.dedupTtlSec * 1000, undefined, now) : null;
    this.breaker = cfg.breaker ? new CircuitBreaker('send', cfg.breakerConfig, onBreakerChange, now) : null;
  }

  /** Any part on? Off entirely, the connection sends as before and this object is never built. */
  static wanted(cfg: SendPathConfig): boolean {
    return cfg.dedup || cfg.breaker || cfg.retry;
  }

  /** Frames waiting in all queues. */
  get queueDepth(): number {
    return this.depth;
  }

  figures(): SendFigures {
    return { ...this.stats, queueDepth: this.depth, breaker: this.breaker?.state ?? null };
  }

  /** The connection now serving a session (after hello); queued frames go to it. */
  attach(t: SendTarget): void {
    this.targets.set(t.sessionId, t);
  }

  detach(t: SendTarget): void {
    if (this.targets.get(t.sessionId) === t) this.targets.delete(t.sessionId);
  }

  /** One outgoing frame; true when sent or deduplicated (the seed's "consider success"). */
  send(t: SendTarget, text: string): boolean {
    if (this.dedup !== null && this.dedup.isDuplicate(t.sendScope, text)) {
      this.stats.dedupHits++;
      if (t.client) this.metrics.dedupHit(t.client);
      return true;
    }
    const critical = text.startsWith(CRITICAL_PREFIX);
    const breaker = this.breaker;
    if (breaker !== null && !this.admit(breaker)) {
      if (critical) this.enqueue(t.sessionId, text);
      else this.stats.dropped++;
      return false;
    }
    // Frames queued for this session go first, so it sees them in order.
    if (this.retryTimer === null && this.queues.has(t.sessionId)) this.flush(t);
    const ok = t.sendNow(text);
    if (breaker !== null) ok ? breaker.success() : breaker.failure();
    if (!ok) {
      if (critical) this.enqueue(t.sessionId, text);
      else this.stats.dropped++;
    }
    return ok;
  }

  close(): void {
    if (this.retryTimer !== null) clearInterval(this.retryTimer);
    this.retryTimer = null;
  }

  private admit(breaker: CircuitBreaker): boolean {
    try {
      breaker.acquire();
      return true;
    } catch (err) {
      if (err instanceof CircuitOpenError) return false;
      throw err;
    }
  }

  private enqueue(sessionId: string, text: string): void {
    let q = this.queues.get(sessionId);
    if (q === undefined) this.queues.set(sessionId, (q = []));
    if (q.length >= this.cfg.queueMax) {
      q.shift();
      this.depth--;
      this.stats.dropped++;
    }
    const now = this.now();
    q.push({ text, enqueuedAt: now, attempts: 0, nextAt: now + this.backoff(0) });
    this.depth++;
    this.stats.queued++;
    if (this.cfg.retry && this.retryTimer === null) {
      // A tick as fine as the first backoff step; it runs only while something is queued.
      this.retryTimer = setInterval(() => this.retryDue(), Math.max(10, Math.min(this.cfg.retryBaseMs, 1000)));
      this.retryTimer.unref();
    }
  }

  private backoff(attempts: number): number {
    const d = Math.min(this.cfg.retryBaseMs * 2 ** attempts, this.cfg.retryMaxMs);
    return d + this.random() * 0.1 * d;
  }

  /** Without retry: everything queued for this session, now, while the breaker lets it through. */
  private flush(t: SendTarget): void {
    const q = this.queues.get(t.sessionId)!;
    while (q.length > 0) {
      const m = q[0];
      if (this.expired(m)) {
        this.drop(q, 'expired');
        continue;
      }
      if (this.breaker !== null && !this.admit(this.breaker)) return;
      const ok = t.sendNow(m.text);
      if (this.breaker !== null) ok ? this.breaker.success() : this.breaker.failure();
      if (!ok) return;
      q.shift();
      this.depth--;
      this.stats.retried++;
    }
    this.queues.delete(t.sessionId);
  }

  private retryDue(): void {
    const now = this.now();
    for (const [sid, q] of this.queues) {
      const t = this.targets.get(sid);
      while (q.length > 0) {
        const m = q[0];
        if (this.expired(m)) {
          this.drop(q, 'expired');
          continue;
        }
        // Not due, or nobody to send to yet (the session may come back): wait.
        if (m.nextAt > now || t === undefined) break;
        if (this.breaker !== null && !this.admit(this.breaker)) break;
        const ok = t.sendNow(m.text);
        if (this.breaker !== null) ok ? this.breaker.success() : this.breaker.failure();
        if (ok) {
          q.shift();
          this.depth--;
          this.stats.retried++;
          continue;
        }
        m.attempts++;
        if (m.attempts > this.cfg.retryMax) this.drop(q, 'dropped');
        else m.nextAt = now + this.backoff(m.attempts);
        break;
      }
      if (q.length === 0) this.queues.delete(sid);
    }
    if (this.depth === 0) this.close();
  }

  private expired(m: Queued): boolean {
    return this.now() - m.enqueuedAt > this.cfg.queueTtlSec * 1000;
  }

  private drop(q: Queued[], why: 'expired' | 'dropped'): void {
    q.shift();
    this.depth--;
    this.stats[why]++;
  }
}
