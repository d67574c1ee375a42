import { WebSocket as NodeWebSocket } from 'ws';

/** k6/websockets' event-handler WebSocket over the `ws` package. */
export class WebSocket {
  onopen: () => void = () => undefined;
  onmessage: (event: { data: string; type: string; timestamp: number }) => void = () => undefined;
  onclose: () => void = () => undefined;
  onerror: (event: { type: string; error: string; timestamp: number }) => void = () => undefined;
  private readonly ws: NodeWebSocket;

  constructor(url: string) {
    this.ws = new NodeWebSocket(url);
    this.ws.on('open', () => this.onopen());
    this.ws.on('message', (data) => this.onmessage({ data: data.toString(), type: 'message', timestamp: Date.now() }));
    this.ws.on('close', () => this.onclose());
    this.ws.on('error', (e) => this.onerror({ type: 'error', error: e.message, timestamp: Date.now() }));
  }

  send(data: string): void {
    this.ws.send(data);
  }

  close(): void {
    this.ws.close();
  }
}
