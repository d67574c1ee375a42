/** Start a daemon in this process for a test, on ephemeral ports, from env-style overrides. */
import { parseConfig } from '../config.ts';
import type { MetricsBackend } from '../metrics/types.ts';
import { startDaemon, type RunningDaemon } from '../app.ts';

export interface TestDaemon extends RunningDaemon {
  readonly url: string;
  readonly monitoringUrl: string;
  /** null unless the test set EXAI_DASHBOARD_PORT. */
  readonly dashboardUrl: string | null;
  readonly logs: string[];
}

export async function startTestDaemon(env: Record<string, string> = {}, metrics?: MetricsBackend): Promise<TestDaemon> {
  const config = parseConfig({
    EXAI_WS_PORT: '0',
    EXAI_MONITORING_PORT: '0',
    // Tests that want the dashboard ask for it (EXAI_DASHBOARD_PORT: '0'); 8080 would collide.
    EXAI_DASHBOARD_PORT: 'off',
    METRICS_BACKEND: 'none',
    EXAI_RATE_LIMIT: 'off',
    ...env,
  });
  const logs: string[] = [];
  const d = await startDaemon(config, { log: (l) => logs.push(l), metrics });
  return { ...d, url: `ws://127.0.0.1:${d.wsPort}`, monitoringUrl: `http://127.0.0.1:${d.monitoringPort}`, dashboardUrl: d.dashboardPort === null ? null : `http://127.0.0.1:${d.dashboardPort}`, logs };
}
