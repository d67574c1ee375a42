/**
 * fetchStats against small monitoring servers over real HTTP: the reference daemon's
 * `/stats?gc=young`, a user's daemon that refuses the query, and one without /stats.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { combineStats, fetchStats, targetStats, type DaemonStats } from './daemon-monitor.ts';

const servers: Server[] = [];
afterEach(() => Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve())))));

/** A monitoring origin whose /stats answers `answer(query)`: [status, body]; it records each URL asked. */
async function monitoring(answer: (query: string) => [number, unknown]): Promise<{ url: string; asked: string[] }> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://m');
    const [status, body] = url.pathname === '/stats' ? answer(url.search) : [404, { error: 'not found' }];
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked };
}

describe('fetchStats', () => {
  it('asks for the young collection when told to, and takes that answer', async () => {
    const m = await monitoring((q) => [200, { rssBytes: 1, ...(q === '?gc=young' && { youngGcUs: 42 }) }]);
    expect(await fetchStats(m.url, { collectYoung: true })).toMatchObject({ youngGcUs: 42 });
    expect(await fetchStats(m.url)).toEqual({ rssBytes: 1 });
    expect(m.asked).toEqual(['/stats?gc=young', '/stats']);
  });

  it('reads a daemon that refuses the query again without it', async () => {
    const m = await monitoring((q) => (q === '' ? [200, { rssBytes: 7 }] : [400, { error: 'unknown query' }]));
    expect(await fetchStats(m.url, { collectYoung: true })).toEqual({ rssBytes: 7 });
    expect(m.asked).toEqual(['/stats?gc=young', '/stats']);
  });

  it('is null where there is no /stats', async () => {
    const m = await monitoring(() => [404, {}]);
    expect(await fetchStats(`${m.url}/nothing-here`, { collectYoung: true })).toBeNull();
  });
});

/** One daemon's /stats, as the reference daemon serves it. */
function stats(over: Partial<DaemonStats> = {}): DaemonStats {
  return {
    pid: 1, cpuUserUs: 100, cpuSystemUs: 10, rssBytes: 1000, oldSpaceBytes: 500, eventLoopUtilization: 0.2,
    eventLoopDelayP99Ms: 3, connections: 4, inflight: 1, ...over,
  };
}

describe('targetStats', () => {
  it('reads a one-daemon target at its monitoring URL, and nothing without one', async () => {
    const m = await monitoring(() => [200, stats({ youngGcUs: 5 })]);
    expect(await targetStats({ monitoringUrl: m.url }, { collectYoung: true })).toEqual(stats({ youngGcUs: 5 }));
    expect(m.asked).toEqual(['/stats?gc=young']);
    expect(await targetStats({ monitoringUrl: null })).toBeNull();
  });

  it("reads every instance of a cluster, each collecting its young generation, as one figure; null if any instance's read fails", async () => {
    const a = await monitoring(() => [200, stats({ pid: 11, cpuUserUs: 100, eventLoopUtilization: 0.2, eventLoopDelayP99Ms: 3, youngGcUs: 5, metricsTimerCpuUs: 40 })]);
    const b = await monitoring(() => [200, stats({ pid: 12, cpuUserUs: 300, eventLoopUtilization: 0.4, eventLoopDelayP99Ms: 9, youngGcUs: 7, metricsTimerCpuUs: 60 })]);
    const both = await targetStats({ monitoringUrl: a.url, monitoringUrls: [a.url, b.url] }, { collectYoung: true });
    const { eventLoopUtilization, ...summed } = both!;
    expect(eventLoopUtilization).toBeCloseTo(0.3, 12); // the mean
    expect(summed).toEqual({
      pid: 11, cpuUserUs: 400, cpuSystemUs: 20, rssBytes: 2000, oldSpaceBytes: 1000,
      eventLoopDelayP99Ms: 9, connections: 8, inflight: 2, youngGcUs: 12, metricsTimerCpuUs: 100,
    });
    expect([a.asked, b.asked]).toEqual([['/stats?gc=young'], ['/stats?gc=young']]);
    const gone = await monitoring(() => [404, {}]);
    expect(await targetStats({ monitoringUrl: a.url, monitoringUrls: [a.url, `${gone.url}/nothing-here`] })).toBeNull();
  });

  it('sums an optional figure only where every instance has it', () => {
    expect(combineStats([stats({ metricsTimerCpuUs: 40 }), stats()])).not.toHaveProperty('metricsTimerCpuUs');
    expect(combineStats([stats({ youngGcUs: 1 })])).toEqual(stats({ youngGcUs: 1 }));
  });
});
