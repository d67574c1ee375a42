/**
 * A real `ws` client for tests: records every frame and close, counts frames each way (for the
 * metrics exactness checks) and waits for frames by predicate with a bounded timeout.
 */
import WebSocket from 'ws';

export type Json = Record<string, any>;

export class WsTestClient {
  readonly frames: Json[] = [];
  readonly raw: string[] = [];
  sentFrames = 0;
  closeCode: number | null = null;
  closeReason = '';
  private waiters: Array<() => void> = [];
  private readonly closedP: Promise<void>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      this.raw.push(text);
      try {
        this.frames.push(JSON.parse(text));
      } catch {
        this.frames.push({ unparsable: text });
      }
      this.wake();
    });
    this.closedP = new Promise((resolve) => {
      ws.on('close', (code: number, reason: Buffer) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        this.wake();
        resolve();
      });
    });
    ws.on('error', () => {});
  }

  static async open(url: string): Promise<WsTestClient> {
    const ws = new WebSocket(url);
    const c = new WsTestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }

  /** Open and complete the handshake. */
  static async hello(url: string, hello: Json = {}): Promise<WsTestClient> {
    const c = await WsTestClient.open(url);
    c.send({ op: 'hello', ...hello });
    const ack = await c.next((f) => f.op === 'hello_ack');
    if (!ack.ok) throw new Error(`hello refused: ${JSON.stringify(ack)}`);
    return c;
  }

  send(frame: Json | string): void {
    this.sentFrames++;
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Wait for the first frame (received so far or later) matching `pred` that has not been taken. */
  async next(pred: (f: Json) => boolean, timeoutMs = 5000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex((f, idx) => !this.taken.has(idx) && pred(f));
      if (i >= 0) {
        this.taken.add(i);
        return this.frames[i];
      }
      if (this.closeCode !== null) throw new Error(`closed (${this.closeCode} ${this.closeReason}) while waiting; frames: ${JSON.stringify(this.frames).slice(0, 800)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a frame; frames: ${JSON.stringify(this.frames).slice(0, 800)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The terminal frame of a call with this request id. */
  result(requestId: string, timeoutMs = 5000): Promise<Json> {
    return this.next((f) => f.op === 'call_tool_res' && f.request_id === requestId, timeoutMs);
  }

  call(requestId: string, name: string, args: Json = {}, timeoutMs = 5000): Promise<Json> {
    this.send({ op: 'call_tool', request_id: requestId, name, arguments: args });
    return this.result(requestId, timeoutMs);
  }

  async closed(timeoutMs = 5000): Promise<number> {
    await Promise.race([this.closedP, new Promise((_, rej) => setTimeout(() => rej(new Error('not closed in time')), timeoutMs))]);
    return this.closeCode!;
  }

  async close(): Promise<void> {
    if (this.closeCode === null) {
      this.ws.close(1000);
      await this.closed().catch(() => this.ws.terminate());
    }
  }

  private readonly taken = new Set<number>();

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
