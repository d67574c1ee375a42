import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { OrphanErrors, type AttributedError, type Handshake } from '../protocol/index.ts';
import type { SharedState } from './shared-state.ts';

/** A request on the wire. `start` is performance.now() ms: the send time, or the intended time (open model). */
export interface Pending {
  id: number;
  tool: number;
  start: number;
  /** The busy client (its index) that sent it. */
  client: number;
  /** Closed model: its place in the client's sequence of calls since the load began. */
  turn?: number;
}

export type ConnectionState = 'new' | 'connecting' | 'ready' | 'closing' | 'closed';

const noop = (): void => {};

/**
 * One WebSocket connection: handshake, requests in flight (oldest first, Map insertion order),
 * every frame counted, every reply checked. It reports to its load model through two callbacks.
 */
export class DriverConnection {
  state: ConnectionState = 'new';
  readonly inflight = new Map<number, Pending>();
  /** Id-less errors waiting for proof of which call they belong to (protocol/orphan-attribution.ts). */
  private readonly orphans = new OrphanErrors();
  /** A request ended (recorded already). */
  onSettled: (conn: DriverConnection, p: Pending) => void = noop;
  /** The socket closed without us asking (in-flight requests were already failed as `closed`). */
  onLost: (conn: DriverConnection) => void = noop;
  private ws: WebSocket | undefined;
  private handshake: Handshake | undefined;

  constructor(
    private readonly shared: SharedState,
    readonly sessionId: string,
  ) {}

  /** Connect and complete the protocol handshake (frames counted); rejects with the reason. */
  open(): Promise<void> {
    const { shared } = this;
    const hsOpts = { token: shared.token, sessionId: this.sessionId };
    this.state = 'connecting';
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(shared.url, {
        headers: shared.adapter.upgradeHeaders(hsOpts),
        perMessageDeflate: false,
        skipUTF8Validation: true,
        handshakeTimeout: shared.handshakeTimeoutMs,
      });
      this.ws = ws;
      let settled = false;
      let established = false;
      const fail = (why: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.handshake = undefined;
        this.state = 'closed';
        ws.terminate();
        reject(new Error(`${shared.url} session ${this.sessionId}: ${why}`));
      };
      const timer = setTimeout(() => fail(`no handshake within ${shared.handshakeTimeoutMs} ms`), shared.handshakeTimeoutMs);
      const hs = shared.adapter.handshake(hsOpts);
      this.handshake = hs;
      ws.on('open', () => {
        for (const f of hs.first()) this.send(f);
      });
      ws.on('message', (data: Buffer) => {
        if (this.handshake === undefined) {
          this.receive(data);
          return;
        }
        this.shared.rec.framesReceived++;
        const step = hs.onFrame(data.toString());
        if (step.failed !== undefined) return fail(step.failed);
        if (step.send !== undefined) for (const f of step.send) this.send(f);
        if (step.done && !settled) {
          settled = true;
          clearTimeout(timer);
          established = true;
          this.handshake = undefined;
          this.state = 'ready';
          resolve();
        }
      });
      ws.on('error', (err: Error) => fail(err.message));
      ws.on('close', (code: number, reason: Buffer) => {
        if (!settled) return fail(`closed during handshake (code ${code}${reason.length > 0 ? `, "${reason.toString()}"` : ''})`);
        if (established) this.closed();
      });
    });
  }

  send(frame: string): void {
    this.shared.rec.framesSent++;
    (this.ws as WebSocket).send(frame);
  }

  /** Put a request on the wire. */
  issue(p: Pending, frame: string): void {
    this.inflight.set(p.id, p);
    this.send(frame);
  }

  private receive(data: Buffer): void {
    const { shared } = this;
    const { rec, info } = shared;
    rec.framesReceived++;
    const kind = shared.adapter.classify(data, info);
    if (info.reply !== undefined) this.send(info.reply);
    if (kind === 'terminal') {
      const p = this.inflight.get(info.requestId);
      if (p === undefined) {
        // A reply to a request that already timed out is late, not wrong; one we never sent is wrong.
        if (info.requestId > shared.lastRequestId) rec.countError('protocol');
        return;
      }
      this.inflight.delete(p.id);
      if (info.error === undefined) {
        const us = Math.round((performance.now() - p.start) * 1000);
        rec.ok(p.tool, us > 0 ? us : 1, p.start, p.client, p.turn);
      } else {
        rec.fail(p.tool, info.error, p.client);
      }
      this.onSettled(this, p);
      if (!this.orphans.idle) this.attributed(this.orphans.answered(p.id));
    } else if (kind === 'orphan-error') {
      if (this.inflight.size === 0) {
        rec.countError(info.error ?? 'ERROR');
        return;
      }
      const calls = [...this.inflight.values()].map((c) => ({ id: c.id, tool: shared.toolNames[c.tool] ?? '' }));
      this.attributed(this.orphans.add(info.error ?? 'ERROR', calls, info.tool));
    } else if (kind === 'connection-error') {
      rec.countError(`connection:${info.error ?? 'ERROR'}`);
    } else if (kind === 'invalid') {
      rec.countError('protocol');
    }
    // 'partial' and 'ignore': counted as frames, nothing else to do
  }

  /** End the calls an id-less error was proven to belong to; count the unattributable apart. */
  private attributed(found: readonly AttributedError[]): void {
    for (const { id, error } of found) {
      const p = this.inflight.get(id);
      if (p === undefined) continue;
      this.inflight.delete(id);
      this.shared.rec.fail(p.tool, error, p.client);
      this.onSettled(this, p);
    }
    for (const error of this.orphans.takeAmbiguous()) this.shared.rec.countError(`ambiguous:${error}`);
  }

  /** A call that ended without its reply (timeout, closed): proof of nothing for an id-less error. */
  private unanswered(p: Pending): void {
    if (!this.orphans.idle) this.attributed(this.orphans.unanswered(p.id));
  }

  /** Fail every request older than `timeoutMs` as `timeout`. */
  expire(now: number, timeoutMs: number): void {
    for (const p of this.inflight.values()) {
      if (now - p.start < timeoutMs) return; // insertion order is start order
      this.inflight.delete(p.id);
      this.shared.rec.fail(p.tool, 'timeout', p.client);
      this.onSettled(this, p);
      this.unanswered(p);
    }
  }

  private failAll(kind: string): void {
    for (const p of this.inflight.values()) {
      this.inflight.delete(p.id);
      this.shared.rec.fail(p.tool, kind, p.client);
      this.onSettled(this, p);
      this.unanswered(p);
    }
  }

  private closed(): void {
    const unexpected = this.state !== 'closing';
    this.state = 'closed';
    this.ws = undefined;
    this.failAll('closed');
    if (unexpected) this.onLost(this);
  }

  /** Close (normal closure) and wait for the socket to be gone; requests still in flight fail as `closed`. */
  close(): Promise<void> {
    const ws = this.ws;
    if (ws === undefined || this.state === 'closed') {
      this.state = 'closed';
      return Promise.resolve();
    }
    this.state = 'closing';
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => ws.terminate(), 1000);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000);
    });
  }
}
