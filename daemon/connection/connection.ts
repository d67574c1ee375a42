/**
 * One client connection: handshake, per-frame accounting, rate limit, op routing and bounded
 * sending. Transport-agnostic (see transport.ts): the ws server and the hot path share this code.
 *
 * Metrics rule (the harness's exactness check relies on it: README, "How a verdict is reached"):
 * every message frame received or sent is counted, hello and hello_ack included; the client ref
 * is resolved once, at hello ('anonymous' when hello fails).
 */
import type { ClientRef, ErrorKind, MetricsBackend } from '../metrics/types.ts';
import type { DaemonConfig } from '../config.ts';
import type { LiveState } from '../live-state.ts';
import type { ToolRegistry } from '../tools/registry.ts';
import { PERSISTENT_ABUSE, type RateLimiter, type RateVerdict } from '../resilience/rate-limiter.ts';
import type { SessionRegistry } from '../session/session-registry.ts';
import type { CallManager } from '../calls/call-manager.ts';
import type { Peer } from '../protocol/peer.ts';
import type { Transport } from './transport.ts';
import type { SendPath, SendTarget } from '../send/send-path.ts';
import type { SessionRows } from '../stores/session-rows.ts';
import { CloseCode } from './close-codes.ts';
import { sessionHash } from '../monitoring/session-hash.ts';
import * as F from '../protocol/frames.ts';
import { validSessionId, newSessionId } from '../session/session-id.ts';
import { timingSafeEqual } from 'node:crypto';

const AWAITING_HELLO = 0;
const READY = 1;
const CLOSED = 2;

/**
 * What a Connection is built with: the daemon's shared parts (one object for every connection,
 * parts.ts). The connection keeps each one in its own field, so a frame reads them in one step.
 */
export interface ConnectionDeps {
  readonly config: Pick<DaemonConfig, 'helloTimeoutSec' | 'sendSoftBytes' | 'sendHardBytes' | 'token'>;
  readonly metrics: MetricsBackend;
  readonly live: LiveState;
  readonly tools: ToolRegistry;
  /** null when EXAI_RATE_LIMIT=off. */
  readonly rateLimiter: RateLimiter | null;
  readonly sessions: SessionRegistry;
  readonly calls: CallManager;
  /** Diagnostics that are not frames (store failures in the background); stderr in the daemon. */
  readonly log: (line: string) => void;
  /** The seed's send path (dedup, send breaker, retry); absent or null when every part is off. */
  readonly sendPath?: SendPath | null;
  /** The `sessions` table writer (EXAI_SESSIONS_TABLE); absent or null when off. */
  readonly sessionRows?: SessionRows | null;
}

let nextSendScope = 0;

export class Connection implements Peer, SendTarget {
  client: ClientRef | null = null;
  /** The send path's dedup scope: one per connection. */
  readonly sendScope = ++nextSendScope;
  sessionId = '';
  /** Frames not sent because the client was too slow (progress first). */
  dropped = 0;
  private state = AWAITING_HELLO;
  /** Closed for rate-limit abuse: frames still in flight are counted, never handled. */
  private abusive = false;
  private helloTimer: NodeJS.Timeout | null = null;
  private readonly metrics: MetricsBackend;
  private readonly live: LiveState;
  private readonly tools: ToolRegistry;
  private readonly rateLimiter: RateLimiter | null;
  private readonly sessions: SessionRegistry;
  private readonly calls: CallManager;
  private readonly log: (line: string) => void;
  private readonly sendSoftBytes: number;
  private readonly sendHardBytes: number;
  private readonly token: string | null;
  private readonly sendPath: SendPath | null;
  private readonly sessionRows: SessionRows | null;

  constructor(
    deps: ConnectionDeps,
    private readonly transport: Transport,
  ) {
    this.metrics = deps.metrics;
    this.live = deps.live;
    this.tools = deps.tools;
    this.rateLimiter = deps.rateLimiter;
    this.sessions = deps.sessions;
    this.calls = deps.calls;
    this.log = deps.log;
    this.sendPath = deps.sendPath ?? null;
    this.sessionRows = deps.sessionRows ?? null;
    const { config } = deps;
    this.sendSoftBytes = config.sendSoftBytes;
    this.sendHardBytes = config.sendHardBytes;
    this.token = config.token;
    this.live.connectionOpened();
    const ms = config.helloTimeoutSec * 1000;
    this.helloTimer = setTimeout(() => this.helloTimedOut(), ms);
    this.helloTimer.unref();
  }

  /** Ready, and the peer has not begun closing: a reply sent now can arrive (else it waits for a resume). */
  get isOpen(): boolean {
    return this.state === READY && this.transport.open !== false;
  }

  get remoteIp(): string {
    return this.transport.remoteIp;
  }

  /** One text frame from the wire; `bytes` is its size on the wire. */
  receive(text: string, bytes: number): void {
    if (this.state === READY) {
      const t0 = performance.now();
      const m = this.metrics;
      m.frameReceived(this.client!, bytes);
      if (this.abusive) return;
      let msg: unknown;
      try {
        msg = JSON.parse(text);
      } catch {
        this.sendError(requestIdIn(text), 'validation', {
          code: 'VALIDATION_ERROR',
          message: 'Invalid JSON: message could not be parsed',
          details: { bytes },
        });
        return;
      }
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
        this.sendError(null, 'validation', {
          code: 'VALIDATION_ERROR',
          message: 'Invalid message: a frame must be a JSON object with an "op"',
          details: { type: Array.isArray(msg) ? 'array' : typeof msg },
        });
        return;
      }
      const limiter = this.rateLimiter;
      const verdict = limiter === null ? null : limiter.take(this.transport.remoteIp, this.sessionId);
      if (verdict === null) this.dispatch(msg as F.Frame, t0);
      else if (typeof verdict === 'string') this.rateLimited(msg as F.Frame, verdict);
      else this.afterRateCheck(verdict, msg as F.Frame, t0);
      return;
    }
    if (this.state === AWAITING_HELLO) this.hello(text, bytes);
  }

  /** Send a frame that must arrive (replies, chunks), through the send path when one is on. */
  send(text: string): boolean {
    const path = this.sendPath;
    return path === null ? this.sendNow(text) : path.send(this, text);
  }

  /** The plain send: closes the connection when the client stalls. */
  sendNow(text: string): boolean {
    if (this.state !== READY || this.transport.open === false) return false;
    if (this.transport.bufferedAmount > this.sendHardBytes) {
      this.overflow();
      return false;
    }
    this.metrics.frameSent(this.client!, this.transport.send(text));
    return true;
  }

  /** Send a frame that may be skipped when the client is slow (progress). */
  sendDroppable(text: string): boolean {
    if (this.state !== READY) return false;
    if (this.transport.bufferedAmount > this.sendSoftBytes) {
      this.dropped++;
      return false;
    }
    return this.send(text);
  }

  /** Error reply that always carries the request id (the real daemon's id-less errors are a defect). */
  sendError(requestId: F.RequestId, kind: ErrorKind, err: F.WireError, asCallResult = false): void {
    this.metrics.error(this.client, kind);
    this.send(asCallResult ? F.callToolError(requestId, err) : F.opError(requestId, err));
  }

  /** Server-initiated close (shutdown, backpressure). */
  close(code: number, reason: string): void {
    if (this.state === CLOSED) return;
    this.transport.close(code, reason);
  }

  /** The transport is gone (either side closed it). Idempotent. */
  closed(): void {
    this.stopHelloTimer();
    const wasReady = this.state === READY;
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    this.live.connectionClosed();
    if (this.client) this.metrics.connectionClosed(this.client);
    if (wasReady) {
      this.sessions.detach(this);
      this.sendPath?.detach(this);
      this.sessionRows?.disconnected(this.sessionId);
    }
  }

  private dispatch(msg: F.Frame, t0: number): void {
    const op = msg.op;
    switch (op) {
      case 'call_tool':
      case 'tool_call':
        this.calls.handle(this, msg, t0);
        return;
      case 'ping':
        this.send(F.pong(idOf(msg)));
        return;
      case 'list_tools':
        this.send(F.listToolsRes(idOf(msg), this.tools.toolsJson()));
        return;
      case 'cancel': {
        const id = idOf(msg);
        this.send(F.cancelled(id, typeof id === 'string' && this.calls.cancel(this, id)));
        return;
      }
      case 'hello':
        this.sendError(idOf(msg), 'protocol', { code: 'INVALID_REQUEST', message: 'hello was already received on this connection' });
        return;
      default:
        this.sendError(idOf(msg), 'protocol', {
          code: 'INVALID_REQUEST',
          message: `Unknown op: ${typeof op === 'string' ? op.slice(0, 64) : JSON.stringify(op ?? null)}`,
        });
    }
  }

  private afterRateCheck(p: Promise<RateVerdict>, msg: F.Frame, t0: number): void {
    p.then(
      (v) => {
        if (this.state !== READY) return;
        if (v === null) this.dispatch(msg, t0);
        else this.rateLimited(msg, v);
      },
      (err: unknown) => {
        // The limiter's store failed: fail open (a Redis outage must not stop the daemon), but say so.
        this.metrics.error(this.client, 'redis');
        this.log(`rate limiter store failed, message allowed: ${(err as Error).message}`);
        if (this.state === READY) this.dispatch(msg, t0);
      },
    );
  }

  private rateLimited(msg: F.Frame, reason: string): void {
    this.sendError(idOf(msg), 'rate_limited', {
      code: 'OVER_CAPACITY',
      message: `Rate limit exceeded: ${reason}`,
      details: { reason, client_ip: this.transport.remoteIp },
    });
    if (reason === PERSISTENT_ABUSE && !this.abusive) {
      this.abusive = true;
      this.log(`closing session ${sessionHash(this.sessionId)} from ${this.transport.remoteIp} (4029): ${reason}`);
      this.close(CloseCode.RateLimitAbuse, 'rate limit exceeded persistently');
      // The close frame is queued; parsing the rest of the flood would cost every other client.
      this.transport.stopReading?.();
    }
  }

  private hello(text: string, bytes: number): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.refuse(bytes, null, CloseCode.BadJson, 'invalid JSON', 'protocol');
      return;
    }
    const frame = (typeof msg === 'object' && msg !== null ? msg : {}) as F.Frame;
    if (frame.op !== 'hello') {
      this.refuse(bytes, F.helloRefused('missing_hello'), CloseCode.MissingHello, 'missing hello', 'protocol');
      return;
    }
    const token = this.token;
    if (token !== null && !tokenMatches(frame.token, token)) {
      this.refuse(bytes, F.helloRefused('unauthorized'), CloseCode.Unauthorized, 'unauthorized', 'auth');
      return;
    }
    const requested = frame.session_id;
    if (requested !== undefined && requested !== null && !validSessionId(requested)) {
      this.refuse(bytes, F.helloRefused('invalid_session_id'), CloseCode.MissingHello, 'invalid session_id', 'validation');
      return;
    }
    this.sessionId = typeof requested === 'string' ? requested : newSessionId();
    this.stopHelloTimer();
    this.open(this.sessionId, bytes);
    this.state = READY;
    this.sendPath?.attach(this);
    this.send(F.helloAck(this.sessionId));
    this.sessions.attach(this, typeof requested === 'string');
    this.sessionRows?.connected(this.sessionId, this.transport.remoteIp, typeof requested === 'string');
  }

  private open(clientId: string, helloBytes: number): void {
    const m = this.metrics;
    this.client = m.client(clientId);
    m.connectionOpened(this.client);
    if (helloBytes >= 0) m.frameReceived(this.client, helloBytes);
  }

  /** A failed handshake: counted against 'anonymous', optional refusal frame, then close. */
  private refuse(bytes: number, reply: string | null, code: number, reason: string, kind: ErrorKind): void {
    this.stopHelloTimer();
    this.open('anonymous', bytes);
    this.metrics.error(this.client, kind);
    if (reply !== null) this.metrics.frameSent(this.client!, this.transport.send(reply));
    this.transport.close(code, reason);
    // The same bookkeeping as any close; idempotent if the transport already reported it.
    this.closed();
  }

  private stopHelloTimer(): void {
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
  }

  private helloTimedOut(): void {
    this.helloTimer = null;
    if (this.state !== AWAITING_HELLO) return;
    this.refuse(-1, null, CloseCode.HelloTimeout, 'hello timeout', 'timeout');
  }

  private overflow(): void {
    this.dropped++;
    this.metrics.error(this.client, 'backpressure');
    this.log(`closing session ${this.sessionId}: send buffer over ${this.sendHardBytes} bytes (client not reading)`);
    this.transport.close(CloseCode.PolicyViolation, 'Backpressure: client is not reading, send buffer full');
    this.closed();
  }
}

function idOf(msg: F.Frame): F.RequestId {
  const id = msg.request_id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

const REQUEST_ID_IN_TEXT = /"request_id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)/;

/** Best effort for a frame that is not valid JSON: its request_id, so the error can still be matched. */
function requestIdIn(text: string): F.RequestId {
  const m = REQUEST_ID_IN_TEXT.exec(text.length > 4096 ? text.slice(0, 4096) : text);
  if (!m) return null;
  try {
    return JSON.parse(m[1]) as string | number;
  } catch {
    return null;
  }
}

/** Constant-time token check: the comparison must not leak how much of a guess was right. */
function tokenMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
