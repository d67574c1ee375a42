/**
 * Start and stop a whole daemon in this process: store clients, metrics backend, the WebSocket
 * server and the monitoring port. main.ts runs it as a program; tests run it in process.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { DaemonConfig } from './config.ts';
import type { MetricsBackend } from './metrics/types.ts';
import { createMetrics, FastMetrics } from './metrics/index.ts';
import { buildParts, type DaemonParts } from './parts.ts';
import { createRedis } from './stores/redis-client.ts';
import { createSupabase } from './stores/conversation-store.ts';
import { startWsServer } from './server/ws-server.ts';
import { startMonitoring } from './monitoring/http.ts';
import { startDashboard, type RunningDashboard } from './dashboard/server.ts';

export interface RunningDaemon {
  readonly host: string;
  readonly wsPort: number;
  readonly monitoringPort: number;
  /** null when EXAI_DASHBOARD_PORT=off. */
  readonly dashboardPort: number | null;
  readonly metrics: MetricsBackend;
  readonly parts: DaemonParts;
  /** Graceful: running calls end with an error frame, connections close 1001, metrics flush. */
  close(): Promise<void>;
}

export async function startDaemon(
  config: DaemonConfig,
  opts: { log?: (line: string) => void; metrics?: MetricsBackend } = {},
): Promise<RunningDaemon> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`daemon: ${line}\n`));
  const { flushMs, rollupMs } = config.metricsSinks;
  const metrics = opts.metrics ??
    (config.metricsBackend === 'fast' && (flushMs !== null || rollupMs !== null)
      ? new FastMetrics({ flushIntervalMs: flushMs ?? undefined, rollupIntervalMs: rollupMs ?? undefined })
      : createMetrics(config.metricsBackend));
  const redis: Redis | null = config.redisUrl ? createRedis(config.redisUrl, log) : null;
  const supabase = config.supabaseUrl ? createSupabase(config.supabaseUrl, config.supabaseKey ?? 'anon') : null;
  const parts = buildParts(config, metrics, { redis, supabase }, log);

  const ws = await startWsServer(parts);
  let monitoring;
  try {
    monitoring = await startMonitoring({
      host: config.monitoringHost, port: config.monitoringPort, metrics, live: parts.live, redis, log, token: config.token,
    });
  } catch (err) {
    await ws.close(0);
    redis?.disconnect();
    throw err;
  }
  let dashboard: RunningDashboard | null = null;
  if (config.dashboardPort !== null) {
    try {
      dashboard = await startDashboard({
        host: config.dashboardHost,
        port: config.dashboardPort,
        intervalSec: config.dashboardIntervalSec,
        token: config.token,
        sources: {
          metrics, live: parts.live, semaphores: parts.semaphores, wsPort: () => ws.port, tokenRequired: config.token !== null,
          send: () => parts.sendPath?.figures() ?? null,
          observations: parts.auditor ? () => parts.auditor!.recent() : undefined,
        },
        log,
      });
    } catch (err) {
      await monitoring.close();
      await ws.close(0);
      redis?.disconnect();
      throw err;
    }
  }
  parts.auditor?.start();
  const sinks = config.metricsSinks;
  metrics.start({
    instanceId: `${hostname()}:${process.pid}:${ws.port}`,
    redis: sinks.redis ? (redis ?? undefined) : undefined,
    supabase: sinks.supabase ? (supabase ?? undefined) : undefined,
  });

  let closing: Promise<void> | null = null;
  return {
    host: config.host,
    wsPort: ws.port,
    monitoringPort: monitoring.port,
    dashboardPort: dashboard?.port ?? null,
    metrics,
    parts,
    close() {
      closing ??= (async () => {
        parts.calls.stopAll();
        // Let the aborted calls send their terminal frames before the sockets close.
        for (let i = 0; i < 100 && parts.calls.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
        await ws.close();
        parts.sendPath?.close();
        await parts.auditor?.close();
        await parts.sessionRows?.settled();
        await metrics.close().catch((err: Error) => log(`metrics flush failed: ${err.message}`));
        await monitoring.close();
        await dashboard?.close();
        if (redis) await redis.quit().catch(() => redis.disconnect());
      })();
      return closing;
    },
  };
}
