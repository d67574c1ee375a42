/** A scenario's dashboard viewers against a real daemon's feed: they connect, receive, and leave with the target. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../common/exit-codes.ts';
import { startTestDaemon, type TestDaemon } from '../../daemon/testing/in-process.ts';
import type { RunningTarget } from '../targets/types.ts';
import { dashboardEnv, withViewers } from './dashboard-viewers.ts';

async function viewersOn(url: string): Promise<number> {
  return ((await (await fetch(`${url}/status`)).json()) as { viewers: number }).viewers;
}

describe('dashboard viewers (scenario dashboardViewers)', () => {
  let d: TestDaemon;
  beforeAll(async () => {
    d = await startTestDaemon({ EXAI_DASHBOARD_PORT: '0', EXAI_DASHBOARD_INTERVAL_SECS: '0.05' });
  });
  afterAll(async () => d?.close());

  const target = (dashboardUrl: string | null, stopped: { n: number }): RunningTarget => ({
    target: 'reference', url: d.url, pid: process.pid, monitoringUrl: d.monitoringUrl, dashboardUrl,
    died: new Promise(() => {}), stop: async () => void stopped.n++,
  });

  it('asks for a free dashboard port only when there are viewers, and keeps a port the user chose', () => {
    expect(dashboardEnv({ A: '1' }, 0)).toEqual({ A: '1' });
    expect(dashboardEnv({ EXAI_DASHBOARD_PORT: 'off' }, 2)).toEqual({ EXAI_DASHBOARD_PORT: '0' });
    expect(dashboardEnv({ EXAI_DASHBOARD_PORT: '9123' }, 2)).toEqual({ EXAI_DASHBOARD_PORT: '9123' });
  });

  it('attaches N viewers that receive the feed, and closes them when the target stops', async () => {
    const stopped = { n: 0 };
    const t = await withViewers('s baseline', target(d.dashboardUrl, stopped), 3);
    expect(await viewersOn(d.dashboardUrl!)).toBe(3);
    await new Promise((r) => setTimeout(r, 300));
    await t.stop();
    expect(stopped.n).toBe(1);
    for (let i = 0; i < 50 && (await viewersOn(d.dashboardUrl!)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await viewersOn(d.dashboardUrl!)).toBe(0);
  });

  it('a target without a dashboard is bad input, and is stopped', async () => {
    const stopped = { n: 0 };
    await expect(withViewers('s instrumented', target(null, stopped), 2)).rejects.toThrow(UsageError);
    expect(stopped.n).toBe(1);
  });
});
