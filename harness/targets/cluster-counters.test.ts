import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregationWaitMs, clusterCounters } from './cluster.ts';

/**
 * clusterCounters against two stand-in monitoring endpoints: each instance's own totals at
 * /metrics.json, and the cluster view (the Redis aggregate) at /metrics.json?scope=cluster, which
 * lags the instances as a view one flush behind does. Nothing here needs a daemon or a Redis.
 */
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

interface Instance { url: string; pid: number; wsPort: number; totals: { messagesReceived: number; messagesSent: number } }

async function standIns(): Promise<{ instances: Instance[]; view: { messagesReceived: number; messagesSent: number } }> {
  const view = { messagesReceived: 0, messagesSent: 0 };
  const instances: Instance[] = [];
  for (let i = 0; i < 2; i++) {
    const inst: Instance = { url: '', pid: 1000 + i, wsPort: 9000 + i, totals: { messagesReceived: 0, messagesSent: 0 } };
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/metrics.json?scope=cluster') {
        res.end(JSON.stringify({ totals: view, instances: instances.map((x) => `host:${x.pid}:${x.wsPort}`) }));
      } else {
        res.end(JSON.stringify({ backend: 'fast', exact: true, totals: inst.totals }));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    inst.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    instances.push(inst);
  }
  return { instances, view };
}

describe('cluster message counters', () => {
  it('a read waits for a lagging view to catch up, unless catchUp is false (a read under running load)', async () => {
    const { instances, view } = await standIns();
    const settleMs = 3000;
    const counters = clusterCounters(instances.map((i) => ({ monitoringUrl: i.url, pid: i.pid, wsPort: i.wsPort })), null, null, settleMs);
    try {
      expect(await counters.mode()).toBe('redis');
      // The instances count traffic the view has not seen yet (no flush since).
      instances[0].totals = { messagesReceived: 5, messagesSent: 7 };

      let t0 = performance.now();
      const asItStands = await counters.read({ catchUp: false });
      expect(asItStands).toEqual({ messagesReceived: 0, messagesSent: 0 });
      expect(performance.now() - t0).toBeLessThan(settleMs);

      t0 = performance.now();
      const waited = await counters.read();
      expect(performance.now() - t0).toBeGreaterThanOrEqual(settleMs - 50);
      expect(waited).toEqual({ messagesReceived: 0, messagesSent: 0 });

      // Once the view has caught up, a read returns it at once and it is exact.
      Object.assign(view, { messagesReceived: 5, messagesSent: 7 });
      t0 = performance.now();
      expect(await counters.read()).toEqual({ messagesReceived: 5, messagesSent: 7 });
      expect(performance.now() - t0).toBeLessThan(settleMs);
    } finally {
      counters.close();
    }
  }, 30_000);
});

describe('aggregationWaitMs: a read waits a period of the store it reads, and 2 s', () => {
  it('the Redis flush when Redis is a sink, by the daemon default (5 s) or as set', () => {
    expect(aggregationWaitMs({})).toBe(7000);
    expect(aggregationWaitMs({ EXAI_METRICS_SINKS: 'redis', EXAI_METRICS_FLUSH_MS: '1000' })).toBe(3000);
  });
  it('the roll-up period when only Supabase is', () => {
    expect(aggregationWaitMs({ EXAI_METRICS_SINKS: 'supabase', EXAI_METRICS_ROLLUP_MS: '1000' })).toBe(3000);
    expect(aggregationWaitMs({ EXAI_METRICS_SINKS: 'supabase' })).toBe(62_000);
  });
});
