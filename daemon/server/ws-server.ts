/**
 * The WebSocket server: admission limits, one Connection per socket, protocol pings with a pong
 * timeout, max frame size (ws closes with 1009), graceful close on shutdown.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DaemonConfig } from '../config.ts';
import { Connection, type ConnectionDeps } from '../connection/connection.ts';
import { CloseCode } from '../connection/close-codes.ts';
import { Admission } from './admission.ts';
import { WsTransport } from './ws-transport.ts';

/** One open socket and its connection, tracked for pings and shutdown. */
interface Socket {
  ws: WebSocket;
  conn: Connection;
  /** performance.now() of the unanswered ping, 0 when none is outstanding. */
  pingSentAt: number;
}

export interface RunningWsServer {
  readonly port: number;
  /** Close every connection (1001) and stop listening; waits up to `graceMs` for clients. */
  close(graceMs?: number): Promise<void>;
}

export type WsServerConfig = Pick<
  DaemonConfig,
  'host' | 'port' | 'maxBytes' | 'maxConnections' | 'maxConnectionsPerIp' | 'pingIntervalSec' | 'pingTimeoutSec'
>;

/** `parts` are what each Connection is built with; the server itself uses their metrics and log. */
export async function startWsServer(parts: ConnectionDeps & { readonly config: WsServerConfig }): Promise<RunningWsServer> {
  const cfg = parts.config;
  const wss = new WebSocketServer({
    host: cfg.host,
    port: cfg.port,
    maxPayload: cfg.maxBytes,
    clientTracking: false,
    perMessageDeflate: false,
  });
  const admission = new Admission(cfg.maxConnections, cfg.maxConnectionsPerIp);
  const sockets = new Set<Socket>();

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const ip = req.socket.remoteAddress ?? 'unknown';
    const refused = admission.admit(ip);
    if (refused !== null) {
      parts.metrics.error(null, 'rate_limited');
      ws.close(CloseCode.PolicyViolation, refused);
      return;
    }
    const conn = new Connection(parts, new WsTransport(ws, ip));
    const socket: Socket = { ws, conn, pingSentAt: 0 };
    sockets.add(socket);
    // Binary frames are read as UTF-8 text too: the protocol is JSON either way.
    ws.on('message', (data: Buffer) => conn.receive(data.toString(), data.length));
    ws.on('pong', () => {
      socket.pingSentAt = 0;
    });
    ws.on('error', (err: Error & { code?: string }) => {
      // ws closes the socket itself (1009 for an oversized frame, 1002 for a protocol error).
      parts.metrics.error(conn.client, err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'validation' : 'protocol');
    });
    ws.on('close', () => {
      sockets.delete(socket);
      admission.release(ip);
      conn.closed();
    });
  });

  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('error', (err) => parts.log(`ws server: ${err.message}`));

  // Protocol pings (not messages: not counted). One ping outstanding per socket; a socket whose ping
  // has gone unanswered for the pong timeout is terminated.
  const timeoutMs = cfg.pingTimeoutSec * 1000;
  const sweep = () => {
    const now = performance.now();
    for (const p of sockets) if (p.pingSentAt > 0 && now - p.pingSentAt >= timeoutMs) p.ws.terminate();
  };
  const pingTimer = setInterval(() => {
    sweep();
    const now = performance.now();
    for (const p of sockets) {
      if (p.pingSentAt === 0) {
        p.pingSentAt = now;
        p.ws.ping();
      }
    }
    setTimeout(sweep, timeoutMs + 1).unref();
  }, cfg.pingIntervalSec * 1000);
  pingTimer.unref();

  return {
    port: (wss.address() as AddressInfo).port,
    async close(graceMs = 3000) {
      clearInterval(pingTimer);
      const closed = new Promise<void>((resolve) => wss.close(() => resolve()));
      const gone = [...sockets].map((p) => new Promise<void>((resolve) => {
        if (p.ws.readyState === p.ws.CLOSED) return resolve();
        p.ws.once('close', () => resolve());
        p.conn.close(CloseCode.GoingAway, 'server shutting down');
      }));
      const timer = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.all(gone), timer]);
      for (const p of sockets) p.ws.terminate();
      await closed;
    },
  };
}
