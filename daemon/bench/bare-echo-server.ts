/**
 * The reference point for bench:daemon: a bare `ws` server that echoes every message, i.e. the
 * cost of WebSocket framing alone. Prints {"port":N} when listening; stops on SIGTERM, SIGINT or its parent's death.
 */
import { WebSocketServer } from 'ws';
import { stopWithParent } from '../../common/orphan.ts';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
wss.on('connection', (ws) => {
  ws.on('message', (data: Buffer) => ws.send(data));
});
wss.on('listening', () => {
  const addr = wss.address();
  process.stdout.write(`${JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 })}\n`);
});
const stop = () => wss.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
stopWithParent();
