/**
 * One client of a fault scenario: a real WebSocket speaking EXAI, one call at a time, with its own
 * session (resumed on every reconnect). It counts, per request id, the terminal replies that came
 * back (call_tool_res, or an `error` carrying the id), on whichever connection they arrive: the
 * invariant is exactly one per request sent, never none, never two.
 */
import WebSocket from 'ws';

export interface MixEntry {
  weight: number;
  tool: string;
  args?: Record<string, unknown>;
}

export interface ClientCounts {
  framesSent: number;
  framesReceived: number;
  /** Request ids sent, in order. */
  sent: string[];
  /** Terminal replies per request id. */
  terminals: Map<string, number>;
  /** Terminal replies by outcome: 'ok' or the error code. */
  outcomes: Map<string, number>;
  connections: number;
  /** Connections the daemon closed (the client resumed its session each time). */
  closedByServer: number;
  latenciesMs: number[];
}

type Terminal = { id: string; outcome: string };

function terminalOf(text: string): Terminal | null {
  let f: { op?: string; request_id?: unknown; error?: { code?: string } };
  try {
    f = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof f.request_id !== 'string') return null;
  if (f.op === 'call_tool_res') return { id: f.request_id, outcome: f.error ? (f.error.code ?? 'ERROR') : 'ok' };
  if (f.op === 'error') return { id: f.request_id, outcome: f.error?.code ?? 'ERROR' };
  return null;
}

export class FaultClient {
  readonly counts: ClientCounts = { framesSent: 0, framesReceived: 0, sent: [], terminals: new Map(), outcomes: new Map(), connections: 0, closedByServer: 0, latenciesMs: [] };
  private ws: WebSocket | null = null;
  private seq = 0;
  private waiting = new Map<string, { at: number; resolve: () => void }>();
  private running = false;
  private loop: Promise<void> | null = null;
  private readingPaused = false;
  private ended = false;

  constructor(
    private readonly url: string,
    readonly sessionId: string,
    private readonly opts: { token?: string; mix: MixEntry[]; thinkMs: number; rng: () => number; requestTimeoutMs: number; phase: () => string },
  ) {}

  /** Open a connection and resume the session (hello with the same session id). */
  async connect(timeoutMs = 10_000): Promise<void> {
    const ws = new WebSocket(this.url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    ws.on('error', () => undefined);
    const timer = setTimeout(() => ws.terminate(), timeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('close', () => reject(new Error('connection closed before open')));
      });
      // Every frame from here on is counted; the first is the hello_ack, then (on a resume) the
      // replies that waited for this session, which are terminals like any other.
      const acked = new Promise<void>((resolve, reject) => {
        ws.on('message', (data: Buffer) => {
          const text = data.toString();
          if (text.startsWith('{"op":"hello_ack"')) {
            this.counts.framesReceived++;
            if (text.includes('"ok":true')) resolve();
            else reject(new Error(`hello refused: ${text}`));
          } else this.onFrame(text);
        });
        ws.once('close', () => reject(new Error('connection closed before hello_ack')));
      });
      ws.send(JSON.stringify({ op: 'hello', session_id: this.sessionId, ...(this.opts.token ? { token: this.opts.token } : {}) }));
      this.counts.framesSent++;
      await acked;
    } finally {
      clearTimeout(timer);
    }
    if (this.ended) {
      ws.terminate();
      return;
    }
    this.counts.connections++;
    this.ws = ws;
    // Closed by the daemon (a slow consumer over its send limit, a restart): resume, as a client would.
    ws.once('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.counts.closedByServer++;
      if (this.running) void this.reconnect().catch(() => undefined);
    });
  }

  private onFrame(text: string): void {
    this.counts.framesReceived++;
    const t = terminalOf(text);
    if (!t) return;
    this.counts.terminals.set(t.id, (this.counts.terminals.get(t.id) ?? 0) + 1);
    const key = `${this.opts.phase()}\t${t.outcome}`;
    this.counts.outcomes.set(key, (this.counts.outcomes.get(key) ?? 0) + 1);
    const w = this.waiting.get(t.id);
    if (w) {
      this.counts.latenciesMs.push(performance.now() - w.at);
      this.waiting.delete(t.id);
      w.resolve();
    }
  }

  private pick(): MixEntry {
    const total = this.opts.mix.reduce((a, m) => a + m.weight, 0);
    let u = this.opts.rng() * total;
    for (const m of this.opts.mix) if ((u -= m.weight) < 0) return m;
    return this.opts.mix[this.opts.mix.length - 1];
  }

  /** Send one call; resolves on its terminal reply or after the request timeout (then it counts as lost, unless it comes later). */
  private call(): Promise<void> {
    const m = this.pick();
    const id = `${this.sessionId}-${++this.seq}`;
    // Unique prompts: a fault scenario wants the provider path, not the result cache.
    const args = m.tool.includes('chat') ? { ...m.args, prompt: `${String(m.args?.prompt ?? 'fault')} #${id}` } : (m.args ?? {});
    const done = new Promise<void>((resolve) => {
      this.waiting.set(id, { at: performance.now(), resolve });
      setTimeout(() => {
        this.waiting.delete(id);
        resolve();
      }, this.opts.requestTimeoutMs).unref();
    });
    this.counts.sent.push(id);
    this.counts.framesSent++;
    this.ws!.send(JSON.stringify({ op: 'call_tool', request_id: id, name: m.tool, arguments: args }));
    return done;
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        if (this.ws?.readyState !== WebSocket.OPEN) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        // A slow consumer keeps asking without reading: its replies pile up in the daemon.
        if (this.readingPaused) {
          if (this.waiting.size < 200) void this.call();
          await new Promise((r) => setTimeout(r, Math.max(5, this.opts.thinkMs)));
          continue;
        }
        await this.call();
        if (this.opts.thinkMs > 0) await new Promise((r) => setTimeout(r, this.opts.thinkMs * (0.5 + this.opts.rng())));
      }
    })();
  }

  /** Stop sending; wait for the replies still due (up to the request timeout). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Reconnect storm: drop the connection (with a call in flight, likely) and resume the session at once. */
  async reconnect(): Promise<void> {
    const old = this.ws;
    this.ws = null;
    if (old) {
      const closed = new Promise<void>((r) => old.once('close', () => r()));
      old.close(1000, 'reconnect storm');
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    }
    for (let attempt = 0; !this.ended; attempt++) {
      try {
        await this.connect();
        return;
      } catch (e) {
        if (attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      }
    }
  }

  /** Slow consumer: stop reading the socket (the daemon's sends back up), or read again. */
  setReading(on: boolean): void {
    const socket = (this.ws as unknown as { _socket?: { pause(): void; resume(): void } } | null)?._socket;
    if (!socket || this.readingPaused === !on) return;
    this.readingPaused = !on;
    if (on) socket.resume();
    else socket.pause();
  }

  /** The end, whatever state the run is in: no more calls, no reconnects, the socket closed. */
  close(): void {
    this.ended = true;
    this.running = false;
    for (const w of this.waiting.values()) w.resolve();
    this.waiting.clear();
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000);
    if (ws) setTimeout(() => ws.terminate(), 1000).unref();
  }
}
