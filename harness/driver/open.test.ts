import { describe, expect, it } from 'vitest';
import type { Driver } from './driver.ts';
import { testConfig } from './testing/config.ts';
import type { EchoTarget } from './testing/echo-target.ts';
import { echoAndDriverPerTest } from './testing/per-test.ts';
import { decodeHistogram, summarize } from './histogram.ts';

const { startTarget, startDriver } = echoAndDriverPerTest();
let target: EchoTarget;
let driver: Driver;

describe('open model', () => {
  it('issues arrivals at the set rate (uniform: evenly spaced) and counts frames exactly', async () => {
    target = await startTarget();
    driver = await startDriver(testConfig(target.url, { clients: 3, load: { model: 'open', ratePerSec: 400, arrival: 'uniform' } }));
    const r0 = target.counts.framesReceived;
    const s0 = target.counts.framesSent;
    const s = await driver.window(1000, true);
    // 400/s for 1 s, the first arrival one gap after the start: 399 or 400
    expect(s.requests).toBeGreaterThanOrEqual(398);
    expect(s.requests).toBeLessThanOrEqual(400);
    expect(s.dropped).toBe(0);
    expect(s.errors).toBe(0);
    expect(s.framesSent).toBe(target.counts.framesReceived - r0);
    expect(s.framesReceived).toBe(target.counts.framesSent - s0);
    expect(decodeHistogram(s.histogram).totalCount).toBe(s.requests);
  });

  it('draws poisson arrivals around the rate, reproducibly for a seed', async () => {
    target = await startTarget();
    const cfg = testConfig(target.url, { load: { model: 'open', ratePerSec: 500 }, seed: 42 });
    driver = await startDriver(cfg);
    const a = await driver.window(1000, true);
    expect(a.requests).toBeGreaterThan(400);
    expect(a.requests).toBeLessThan(600);
    await driver.stop();
    // the schedule is a function of the seed alone: a fresh driver makes the same arrivals
    driver = await startDriver(cfg);
    const b = await driver.window(1000, true);
    expect(b.requests + b.dropped).toBe(a.requests + a.dropped);
    await driver.stop();
    driver = await startDriver({ ...cfg, seed: 43 });
    const c = await driver.window(1000, true);
    expect(c.requests).not.toBe(a.requests);
  });

  it('counts arrivals beyond maxInFlight as dropped, never sends them late', async () => {
    target = await startTarget({ replyDelayMs: 200 });
    driver = await startDriver(testConfig(target.url, { clients: 2, load: { model: 'open', ratePerSec: 200, arrival: 'uniform', maxInFlight: 10 } }));
    const c0 = target.counts.calls;
    const s = await driver.window(1000, true);
    const sent = target.counts.calls - c0;
    // every arrival is either sent or dropped: 199..200 in all
    expect(s.requests + s.dropped).toBeGreaterThanOrEqual(198);
    expect(s.requests + s.dropped).toBeLessThanOrEqual(200);
    expect(s.requests).toBe(sent);
    // at most 10 in flight, each held 200 ms: about 10 per 200 ms can be sent
    expect(s.dropped).toBeGreaterThan(100);
    expect(s.requests).toBeLessThanOrEqual(10 * 6 + 10);
    expect(s.errors).toBe(0);
  });

  it('fails requests in flight when the target drops connections, then reconnects', async () => {
    target = await startTarget({ replyDelayMs: 50 });
    driver = await startDriver(testConfig(target.url, { clients: 2, load: { model: 'open', ratePerSec: 200, arrival: 'uniform' } }));
    const t = target;
    // the target drops every connection once, mid-window; the clients resume their sessions
    const kick = setTimeout(() => t.dropConnections(), 300);
    const hellos0 = t.counts.hellos.length;
    const s = await driver.window(1000, true);
    clearTimeout(kick);
    expect(s.errorsByKind.closed ?? 0).toBeGreaterThan(0);
    expect(t.counts.hellos.length - hellos0).toBeGreaterThanOrEqual(2);
    expect(s.requests).toBeGreaterThan(100);
  });

  it('churns: a client stops taking arrivals, drains, resumes its session, rejoins', async () => {
    target = await startTarget({ replyDelayMs: 5 });
    driver = await startDriver(
      testConfig(target.url, { clients: 2, sessionPrefix: 'oc', churn: { everyRequests: 20 }, load: { model: 'open', ratePerSec: 300, arrival: 'uniform' } }),
    );
    const h0 = target.counts.hellos.length;
    const r0 = target.counts.framesReceived;
    const s0 = target.counts.framesSent;
    const s = await driver.window(1000, true);
    const hellos = target.counts.hellos.slice(h0);
    expect(new Set(hellos)).toEqual(new Set(['oc-0', 'oc-1']));
    // about one reconnect per 20 requests per client (a client waiting to churn may take a few more)
    expect(hellos.length).toBeGreaterThanOrEqual(Math.floor(s.requests / 40));
    expect(hellos.length).toBeLessThanOrEqual(Math.ceil(s.requests / 20));
    expect(s.errors).toBe(0);
    expect(s.dropped).toBe(0);
    expect(s.requests + s.dropped).toBeGreaterThanOrEqual(298);
    expect(s.framesSent).toBe(target.counts.framesReceived - r0);
    expect(s.framesReceived).toBe(target.counts.framesSent - s0);
  });

  it('times out requests never answered, from their intended time', async () => {
    target = await startTarget();
    driver = await startDriver(testConfig(target.url, { requestTimeoutMs: 200, mix: [{ weight: 1, tool: 'silent' }], load: { model: 'open', ratePerSec: 50, arrival: 'uniform' } }));
    const s = await driver.window(500, true);
    expect(s.errorsByKind.timeout).toBe(s.requests);
    expect(s.requests).toBeGreaterThanOrEqual(23);
    expect(s.requests).toBeLessThanOrEqual(25);
  });

  it('times latency from the intended send time: arrivals delayed by a blocked event loop count the delay', async () => {
    target = await startTarget();
    driver = await startDriver(testConfig(target.url, { load: { model: 'open', ratePerSec: 200, arrival: 'uniform' } }));
    // 300 ms into the window the driver's own event loop is blocked for 300 ms: ~60 arrivals go out late
    const block = setTimeout(() => {
      const until = performance.now() + 300;
      while (performance.now() < until) {
        // busy: nothing can be sent
      }
    }, 300);
    const s = await driver.window(1000, true);
    clearTimeout(block);
    const sum = summarize(decodeHistogram(s.histogram));
    expect(s.requests).toBeGreaterThanOrEqual(198);
    // the arrivals intended during the block waited up to 300 ms before they could be sent
    expect(sum.max).toBeGreaterThanOrEqual(250_000);
    expect(sum.p95).toBeGreaterThanOrEqual(50_000);
  });
});
