/**
 * The WebSocket server: admission limits, one Connection per socket, protocol pings with a pong
 * timeout, max frame size (ws closes with 1009), graceful close on shutdown.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DaemonContext } from '../context.ts';
import { Connection } from '../connection/connection.ts';
import { CloseCode } from '../connection/close-codes.ts';
import { Admission } from './admission.ts';
import { WsTransport } from './ws-transport.ts';

interface Peer {
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

export async function startWsServer(ctx: DaemonContext): Promise<RunningWsServer> {
  const cfg = ctx.config;
  const wss = new WebSocketServer({
    host: cfg.host,
    port: cfg.port,
    maxPayload: cfg.maxBytes,
    clientTracking: false,
    perMessageDeflate: false,
  });
  const admission = new Admission(cfg.maxConnections, cfg.maxConnectionsPerIp);
  const peers = new Set<Peer>();

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const ip = req.socket.remoteAddress ?? 'unknown';
    const refused = admission.admit(ip);
    if (refused !== null) {
      ctx.metrics.error(null, 'rate_limited');
      ws.close(CloseCode.PolicyViolation, refused);
      return;
    }
    const conn = new Connection(ctx, new WsTransport(ws, ip));
    const peer: Peer = { ws, conn, pingSentAt: 0 };
    peers.add(peer);
    // Binary frames are read as UTF-8 text too: the protocol is JSON either way.
    ws.on('message', (data: Buffer) => conn.receive(data.toString(), data.length));
    ws.on('pong', () => {
      peer.pingSentAt = 0;
    });
    ws.on('error', (err: Error & { code?: string }) => {
      // ws closes the socket itself (1009 for an oversized frame, 1002 for a protocol error).
      ctx.metrics.error(conn.client, err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'validation' : 'protocol');
    });
    ws.on('close', () => {
      peers.delete(peer);
      admission.release(ip);
      conn.closed();
    });
  });

  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('error', (err) => ctx.log(`ws server: ${err.message}`));

  // Protocol pings (not messages: not counted). One ping outstanding per peer; a peer whose ping
  // has gone unanswered for the pong timeout is terminated.
  const timeoutMs = cfg.pingTimeoutSec * 1000;
  const sweep = () => {
    const now = performance.now();
    for (const p of peers) if (p.pingSentAt > 0 && now - p.pingSentAt >= timeoutMs) p.ws.terminate();
  };
  const pingTimer = setInterval(() => {
    sweep();
    const now = performance.now();
    for (const p of peers) {
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
      const gone = [...peers].map((p) => new Promise<void>((resolve) => {
        if (p.ws.readyState === p.ws.CLOSED) return resolve();
        p.ws.once('close', () => resolve());
        p.conn.close(CloseCode.GoingAway, 'server shutting down');
      }));
      const timer = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.all(gone), timer]);
      for (const p of peers) p.ws.terminate();
      await closed;
    },
  };
}
