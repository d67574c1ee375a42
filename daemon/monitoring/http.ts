/**
 * The monitoring port: /health, /metrics (Prometheus text of the active backend), /metrics.json
 * (its MetricsSnapshot; ?scope=cluster sums every instance flushed to Redis) and /stats (?gc=young
 * collects the young generation first, where the process exposes gc). With a
 * token (EXAI_WS_TOKEN) all but /health need `Authorization: Bearer <token>` (auth.ts); clients
 * are listed by a short hash of their session id, never the id itself (session-hash.ts).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { MetricsBackend } from '../metrics/types.ts';
import { readClusterSnapshot, readSnapshot } from '../metrics/index.ts';
import type { LiveState } from '../live-state.ts';
import { StatsSampler } from './process-stats.ts';
import { bearerCheck } from './auth.ts';
import { hashPrometheusClients, hashSnapshotClients } from './session-hash.ts';
import { listen } from '../../common/listen.ts';

export interface RunningMonitoring {
  readonly port: number;
  close(): Promise<void>;
}

export async function startMonitoring(opts: {
  host: string;
  port: number;
  metrics: MetricsBackend;
  live: LiveState;
  redis: Redis | null;
  log: (line: string) => void;
  /** EXAI_WS_TOKEN: required (as a bearer header) by every endpoint but /health. */
  token?: string | null;
}): Promise<RunningMonitoring> {
  const stats = new StatsSampler(opts.live, { metricsTimerCpuUs: () => opts.metrics.timerCpuUs?.() });
  const authorized = bearerCheck(opts.token);
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://monitoring');
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'only GET' });
    if (!authorized(req, url.pathname)) {
      res.setHeader('www-authenticate', 'Bearer realm="exai-monitoring"');
      return json(res, 401, { error: 'unauthorized: send Authorization: Bearer <EXAI_WS_TOKEN>' });
    }
    switch (url.pathname) {
      case '/health':
        return json(res, 200, { status: 'healthy', service: 'exai-mcp-daemon', timestamp: Date.now() / 1000 });
      case '/stats': {
        const gc = url.searchParams.get('gc');
        if (gc !== null && gc !== 'young') return json(res, 400, { error: `gc must be young, got "${gc}"` });
        return json(res, 200, stats.sample({ collectYoung: gc === 'young' }));
      }
      case '/metrics':
        Promise.resolve().then(() => opts.metrics.prometheus()).then(
          (text) => {
            res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
            res.end(hashPrometheusClients(text));
          },
          (err: Error) => json(res, 500, { error: `metrics rendering failed: ${err.message}` }),
        );
        return;
      case '/metrics.json': {
        const scope = url.searchParams.get('scope') ?? 'local';
        if (scope !== 'local' && scope !== 'cluster') return json(res, 400, { error: `scope must be local or cluster, got "${scope}"` });
        if (scope === 'cluster' && !opts.redis) {
          return json(res, 503, { error: 'scope=cluster needs REDIS_URL (instances aggregate through Redis)' });
        }
        // Some backends (otel) read their counters back asynchronously.
        const snap = scope === 'local' ? Promise.resolve().then(() => readSnapshot(opts.metrics)) : readClusterSnapshot(opts.redis!);
        snap.then(
          (body) => json(res, 200, hashSnapshotClients(body)),
          (err: Error) => json(res, 502, { error: `${scope === 'cluster' ? 'redis' : 'metrics'}: ${err.message}` }),
        );
        return;
      }
      default:
        return json(res, 404, { error: 'not found', paths: ['/health', '/metrics', '/metrics.json', '/stats'] });
    }
  });
  server.keepAliveTimeout = 5000;
  const port = await listen(server, opts.port, opts.host);
  server.on('error', (err) => opts.log(`monitoring: ${err.message}`));
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        stats.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
