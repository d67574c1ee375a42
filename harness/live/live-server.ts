/**
 * `overbench realistic --dashboard [PORT]`: a page on loopback that follows the run. It listens to
 * the run's events (like the console printer) and to the drivers' reports of the window in
 * progress, and pushes the folded state (live-state.ts) over `/ws` whenever it changes, and once a
 * second for the clocks. When the run's reports are written,
 * `/report` serves the final report.html and the page links it.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DriverProgress } from '../driver/progress.ts';
import type { RunEvent } from '../run/events.ts';
import type { Budgets } from '../scenario/schema.ts';
import { LiveState } from './live-state.ts';
import { livePage } from './page.ts';
import { listen } from '../../common/listen.ts';

export interface LiveView {
  readonly url: string;
  readonly viewers: number;
  onEvent(e: RunEvent): void;
  /** A driver's report of the window in progress (harness/driver/progress.ts). */
  onProgress(p: DriverProgress): void;
  /** The run's report file (null when the run wrote none: aborted). */
  reportReady(file: string | null): void;
  close(): Promise<void>;
}

export async function startLiveView(opts: { port: number; budgetsOf: (scenario: string) => Budgets | undefined; seed?: number }): Promise<LiveView> {
  const state = new LiveState(opts.budgetsOf, opts.seed);
  let reportFile: string | null = null;
  let page: string | null = null;
  const viewers = new Set<WebSocket>();

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://live').pathname;
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'only GET');
    if (path === '/') {
      page ??= livePage();
      return send(res, 200, 'text/html; charset=utf-8', page);
    }
    if (path === '/api/state') return send(res, 200, 'application/json', JSON.stringify(state.snapshot()));
    if (path === '/report') {
      if (reportFile === null) return send(res, 404, 'text/plain', 'the run has not written its report yet');
      readFile(reportFile).then(
        (html) => send(res, 200, 'text/html; charset=utf-8', html),
        (err: Error) => send(res, 500, 'text/plain', `cannot read ${reportFile}: ${err.message}`),
      );
      return;
    }
    send(res, 404, 'text/plain', 'not found: / /ws /api/state /report');
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://live').pathname !== '/ws') return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    wss.handleUpgrade(req, socket, head, (ws) => {
      viewers.add(ws);
      ws.on('close', () => viewers.delete(ws));
      ws.on('error', () => {});
      ws.send(JSON.stringify({ type: 'state', data: state.snapshot() }));
    });
  });

  let sentVersion = -1;
  const push = (force: boolean) => {
    if (viewers.size === 0 || (!force && state.version === sentVersion)) return;
    sentVersion = state.version;
    const text = JSON.stringify({ type: 'state', data: state.snapshot() });
    for (const v of viewers) if (v.readyState === v.OPEN) v.send(text);
  };
  // The clocks (time left) move every second even when no event comes.
  const clock = setInterval(() => push(true), 1000);
  clock.unref();

  const url = `http://127.0.0.1:${await listen(server, opts.port, '127.0.0.1')}`;
  return {
    url,
    get viewers() {
      return viewers.size;
    },
    onEvent(e) {
      state.onEvent(e);
      push(false);
    },
    onProgress(p) {
      state.progress(p);
      push(false);
    },
    reportReady(file) {
      reportFile = file;
      state.reportReady(file === null ? null : '/report');
      push(true);
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(clock);
        for (const v of viewers) v.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
