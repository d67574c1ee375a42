/**
 * Transport over a `ws` socket. Sends made in one tick are corked together and flushed on the
 * next tick, so a burst of replies (several frames arrived in one TCP read) costs one write.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Transport } from '../connection/transport.ts';

/** WebSocket.OPEN (ws's readyState constant), without importing ws's value export here. */
const OPEN = 1;

export class WsTransport implements Transport {
  private corked = false;
  private readonly socket: Socket;

  constructor(
    private readonly ws: WebSocket,
    readonly remoteIp: string,
  ) {
    // ws keeps its net.Socket private; we need it only to cork writes and to stop an abuser's reads.
    this.socket = (ws as unknown as { _socket: Socket })._socket;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  get open(): boolean {
    return this.ws.readyState === OPEN;
  }

  send(text: string): number {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(uncork, this);
    }
    // Kept as a string on purpose: encoding once with Buffer.from and sending that (binary:false)
    // measured 2-4x slower per send on loopback; ws hands strings to the socket's writev as is.
    this.ws.send(text);
    return Buffer.byteLength(text);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
    // A peer that does not read may never complete the close handshake: do not wait for it forever.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  stopReading(): void {
    this.socket.pause();
  }

  uncork(): void {
    this.corked = false;
    this.socket.uncork();
  }
}

function uncork(t: WsTransport): void {
  t.uncork();
}
