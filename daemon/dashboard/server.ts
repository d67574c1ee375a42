/**
 * The dashboard port (EXAI_DASHBOARD_PORT, 8080 on loopback by default, `off` to disable), as the
 * seed's daemon has it: the live page at `/`, the `/ws` feed (`initial_stats` on connect, then every
 * interval a `semaphore_metrics` and a `websocket_health` frame), `/api/metrics/current` (the same
 * figures as JSON), `/health` and `/status`.
 *
 * With EXAI_WS_TOKEN set, everything but /health needs the token, as the monitoring port does: as
 * `Authorization: Bearer <token>`, or (a browser cannot set that header when it opens a page) as
 * `?token=` on the page's address, which the page passes on to its feed.
 *
 * Watching costs only while someone watches: the periodic sample runs while at least one viewer
 * is connected, is taken once per tick for all viewers, and each frame is serialised once.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { Figures, type DashboardFigures, type FiguresSources } from './figures.ts';
import { dashboardPage } from './page.ts';
import { listen } from '../../common/listen.ts';

export interface RunningDashboard {
  readonly port: number;
  /** Viewers connected to /ws right now. */
  readonly viewers: number;
  close(): Promise<void>;
}

/** A viewer that stopped reading is skipped rather than buffered without bound. */
const VIEWER_MAX_BUFFERED = 1024 * 1024;

export async function startDashboard(opts: {
  host: string;
  port: number;
  intervalSec: number;
  sources: FiguresSources;
  log: (line: string) => void;
  /** EXAI_WS_TOKEN; null = no check. */
  token?: string | null;
}): Promise<RunningDashboard> {
  const allowed = tokenCheck(opts.token ?? null);
  const figures = new Figures(opts.sources);
  const viewers = new Set<WebSocket>();
  let timer: NodeJS.Timeout | null = null;
  let page: string | null = null;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'only GET' });
    if (!allowed(req, url)) return json(res, 401, { error: 'the dashboard needs the daemon token: Authorization: Bearer <EXAI_WS_TOKEN>, or ?token= on the address' });
    switch (url.pathname) {
      case '/':
      case '/index.html':
        page ??= dashboardPage({ intervalSec: opts.intervalSec });
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          // Everything is inline; the only connections are back to this host (feed, testing panel).
          'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src ws: wss: 'self'",
        });
        res.end(page);
        return;
      case '/api/metrics/current':
        figures.sample().then(
          (f) => json(res, 200, f),
          (err: Error) => json(res, 500, { error: `metrics: ${err.message}` }),
        );
        return;
      case '/health':
        return json(res, 200, { status: 'healthy', service: 'exai-mcp-dashboard', timestamp: Date.now() / 1000 });
      case '/status':
        return json(res, 200, { status: 'ok', viewers: viewers.size, intervalSec: opts.intervalSec, connections: opts.sources.live.connections, inflight: opts.sources.live.inflight });
      default:
        return json(res, 404, { error: 'not found', paths: ['/', '/ws', '/api/metrics/current', '/health', '/status'] });
    }
  });
  server.keepAliveTimeout = 5000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    if (url.pathname !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!allowed(req, url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => viewerJoined(ws));
  });

  const broadcast = (text: string) => {
    for (const v of viewers) if (v.readyState === v.OPEN && v.bufferedAmount <= VIEWER_MAX_BUFFERED) v.send(text);
  };

  const tick = () => {
    figures.sample().then(
      (f: DashboardFigures) => {
        broadcast(JSON.stringify({ type: 'semaphore_metrics', timestamp: f.timestamp, data: { semaphores: f.semaphores, inflight: f.inflight } }));
        broadcast(JSON.stringify({ type: 'websocket_health', timestamp: f.timestamp, data: f }));
      },
      (err: Error) => opts.log(`dashboard: sampling failed: ${err.message}`),
    );
  };

  const viewerJoined = (ws: WebSocket) => {
    viewers.add(ws);
    ws.on('error', () => {});
    ws.on('close', () => {
      viewers.delete(ws);
      if (viewers.size === 0 && timer !== null) {
        clearInterval(timer);
        timer = null;
      }
    });
    ws.on('message', (data) => {
      // The feed is one-way; a viewer may ping to check it is alive.
      if (data.toString().includes('"ping"') && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'pong', timestamp: new Date().toISOString() }));
    });
    figures.sample().then(
      (f) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'initial_stats', timestamp: f.timestamp, intervalSec: opts.intervalSec, data: f }));
      },
      (err: Error) => opts.log(`dashboard: sampling failed: ${err.message}`),
    );
    if (timer === null) {
      timer = setInterval(tick, opts.intervalSec * 1000);
      timer.unref();
    }
  };

  const port = await listen(server, opts.port, opts.host);
  server.on('error', (err) => opts.log(`dashboard: ${err.message}`));
  return {
    port,
    get viewers() {
      return viewers.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (timer !== null) clearInterval(timer);
        timer = null;
        for (const v of viewers) v.terminate();
        viewers.clear();
        figures.stop();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The token as a bearer header or a `token` query parameter, compared in constant time; /health is open. */
function tokenCheck(token: string | null): (req: IncomingMessage, url: URL) => boolean {
  if (token === null) return () => true;
  const want = digest(token);
  return (req, url) => {
    if (url.pathname === '/health') return true;
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const given = m ? m[1].trim() : url.searchParams.get('token');
    return given !== null && timingSafeEqual(digest(given), want);
  };
}
