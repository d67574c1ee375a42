/**
 * The daemon as a process: ready line, a status round trip, the monitoring endpoints, graceful
 * SIGTERM (clients see 1001, exit 0) and a bad variable exiting 2 with one line naming it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnDaemon, spawnDaemonProcess, waitExit, type SpawnedDaemon } from './testing/spawn-daemon.ts';
import { WsTestClient } from './testing/ws-test-client.ts';
import type { MetricsSnapshot } from './metrics/types.ts';
import { sessionHash } from './monitoring/session-hash.ts';

describe('daemon process', () => {
  let d: SpawnedDaemon | undefined;
  afterAll(async () => {
    if (d && d.child.exitCode === null) await d.stop();
  });

  it('starts, serves, reports and stops gracefully on SIGTERM', async () => {
    d = await spawnDaemon({ METRICS_BACKEND: 'fast', EXAI_RATE_LIMIT: 'off', EXAI_WS_TOKEN: 't0k' });
    expect(d.ready).toMatchObject({ event: 'ready', pid: d.child.pid, host: '127.0.0.1', backend: 'fast' });
    expect(d.ready.wsPort).toBeGreaterThan(0);

    const c = await WsTestClient.hello(d.url, { token: 't0k', session_id: 'e2e-1' });
    const res = await c.call('s1', 'status');
    expect(JSON.parse(res.outputs[0].text).metrics_backend).toBe('fast');

    expect(await (await fetch(`${d.monitoringUrl}/health`)).json()).toMatchObject({ status: 'healthy', service: 'exai-mcp-daemon' });
    // EXAI_WS_TOKEN guards every monitoring endpoint but /health (daemon/monitoring/monitoring.e2e.test.ts).
    const auth = { headers: { authorization: 'Bearer t0k' } };
    const stats = (await (await fetch(`${d.monitoringUrl}/stats`, auth)).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({ pid: d.child.pid, connections: 1, inflight: 0 });
    for (const k of ['cpuUserUs', 'cpuSystemUs', 'rssBytes', 'oldSpaceBytes', 'eventLoopUtilization', 'eventLoopDelayP99Ms']) expect(typeof stats[k]).toBe('number');
    expect(stats.oldSpaceBytes).toBeGreaterThan(0);
    const snap = (await (await fetch(`${d.monitoringUrl}/metrics.json`, auth)).json()) as MetricsSnapshot;
    expect(snap.clients[sessionHash('e2e-1')]).toMatchObject({ messagesReceived: 2, messagesSent: 3 });
    const prom = await (await fetch(`${d.monitoringUrl}/metrics`, auth)).text();
    expect(prom.length).toBeGreaterThan(0);
    expect((await fetch(`${d.monitoringUrl}/metrics.json?scope=cluster`, auth)).status).toBe(503);

    const code = await d.stop();
    expect(code).toBe(0);
    expect(await c.closed()).toBe(1001);
  });

  it('exits 2 with one line naming a bad variable', async () => {
    const child = spawnDaemonProcess({ EXAI_WS_PORT: 'x' });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    expect(await waitExit(child)).toBe(2);
    expect(err.trim()).toBe('daemon: EXAI_WS_PORT must be an integer 0..65535, got "x"');
  });
});
