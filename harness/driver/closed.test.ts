import { describe, expect, it } from 'vitest';
import { Driver } from './driver.ts';
import { testConfig } from './testing/config.ts';
import type { EchoTarget } from './testing/echo-target.ts';
import { echoAndDriverPerTest } from './testing/per-test.ts';
import { decodeHistogram } from './histogram.ts';
import { startEchoTarget } from './testing/echo-target.ts';

const { startTarget, startDriver } = echoAndDriverPerTest();
let target: EchoTarget;
let driver: Driver;

/** Frames the target counted during `run`, to compare with what the driver says it sent/received. */
async function serverDelta<T>(t: EchoTarget, run: () => Promise<T>): Promise<{ result: T; received: number; sent: number; calls: number }> {
  const r0 = t.counts.framesReceived;
  const s0 = t.counts.framesSent;
  const c0 = t.counts.calls;
  const result = await run();
  return { result, received: t.counts.framesReceived - r0, sent: t.counts.framesSent - s0, calls: t.counts.calls - c0 };
}

describe('closed model', () => {
  it('counts requests, errors by kind, per-tool histograms and every frame exactly', async () => {
    target = await startTarget();
    driver = await startDriver(
      testConfig(target.url, {
        clients: 3,
        mix: [
          { weight: 4, tool: 'echo', args: { prompt: 'a' } },
          { weight: 2, tool: 'stream', args: { prompt: 'b' } },
          { weight: 1, tool: 'fail' },
          { weight: 1, tool: 'orphan' },
          { weight: 1, tool: 'overcap' },
          { weight: 1, tool: 'session-error' },
        ],
      }),
    );
    const t = target;
    const { result: s, received, sent, calls } = await serverDelta(t, () => driver!.window(600, true));
    expect(s.requests).toBeGreaterThan(50);
    expect(s.requests).toBe(calls);
    // every frame the target received the driver sent, and vice versa (progress/stream frames too)
    expect(s.framesSent).toBe(received);
    expect(s.framesReceived).toBe(sent);
    const streams = s.perTool.stream.requests;
    const sessionErrors = s.perTool['session-error'].requests;
    expect(s.framesReceived).toBe(s.requests + 3 * streams + sessionErrors);
    // errors by the code the target sent; id-less ones charged to the call that caused them
    expect(s.errorsByKind.TOOL_FAILED).toBe(s.perTool.fail.requests);
    expect(s.errorsByKind.TOOL_NOT_FOUND).toBe(s.perTool.orphan.requests);
    expect(s.errorsByKind.OVER_CAPACITY).toBe(s.perTool.overcap.requests);
    // a connection-level error is counted apart and ends no call: the call it interleaved with succeeds
    expect(s.errorsByKind['connection:REDIS_ERROR']).toBe(sessionErrors);
    expect(decodeHistogram(s.perTool['session-error'].histogram).totalCount).toBe(sessionErrors);
    expect(s.errors).toBe(s.perTool.fail.requests + s.perTool.orphan.requests + s.perTool.overcap.requests + sessionErrors);
    expect(Object.keys(s.perTool).sort()).toEqual(['echo', 'fail', 'orphan', 'overcap', 'session-error', 'stream']);
    // only successful requests are in the latency histograms; the overall one is their sum
    expect(decodeHistogram(s.perTool.echo.histogram).totalCount).toBe(s.perTool.echo.requests);
    expect(decodeHistogram(s.perTool.fail.histogram).totalCount).toBe(0);
    expect(decodeHistogram(s.histogram).totalCount).toBe(s.perTool.echo.requests + streams + sessionErrors);
    expect(s.durationMs).toBeGreaterThanOrEqual(590);
    expect(s.driverCpuUs.user).toBeGreaterThan(0);
  });

  it('records no latency in a warm-up window but still counts', async () => {
    target = await startTarget();
    driver = await startDriver(testConfig(target.url));
    const s = await driver.window(200, false);
    expect(s.requests).toBeGreaterThan(0);
    expect(decodeHistogram(s.histogram).totalCount).toBe(0);
  });

  it('sends nothing between windows', async () => {
    target = await startTarget();
    driver = await startDriver(testConfig(target.url, { load: { model: 'closed', thinkTime: 'constant:v=5ms' } }));
    await driver.window(200, true);
    const before = target.counts.framesReceived;
    await new Promise((r) => setTimeout(r, 200));
    expect(target.counts.framesReceived).toBe(before);
  });

  it('thinks between requests (think time from the latency model)', async () => {
    target = await startTarget();
    driver = await startDriver(testConfig(target.url, { clients: 2, load: { model: 'closed', thinkTime: 'constant:v=50ms' } }));
    const s = await driver.window(1000, true);
    // 2 clients x ~1 request per 50 ms
    expect(s.requests).toBeGreaterThanOrEqual(25);
    expect(s.requests).toBeLessThanOrEqual(42);
  });

  it('counts the requests still out when the load stops by their share of the window (okInSpan)', async () => {
    // 4 clients, 300 ms per call, a 1,000 ms window: each client's fourth call (900-1,200 ms)
    // straddles the end, a third of it inside.
    target = await startTarget({ replyDelayMs: 300 });
    driver = await startDriver(testConfig(target.url, { clients: 4 }));
    const s = await driver.window(1000, true);
    expect(s.requests).toBe(16);
    expect(s.okInSpan).toBeGreaterThan(4 * 3.1);
    expect(s.okInSpan).toBeLessThan(4 * 3.6);
  });

  it('varies the args of non-repeat entries and repeats the others exactly', async () => {
    target = await startTarget({ recordArgs: true });
    driver = await startDriver(
      testConfig(target.url, {
        clients: 1,
        mix: [
          { weight: 1, tool: 'chat', args: { prompt: 'new', model: 'glm-4.5-flash' } },
          { weight: 1, tool: 'chat', args: { prompt: 'same' }, repeat: true },
        ],
      }),
    );
    await driver.window(300, true);
    const args = target.counts.args.map((a) => JSON.parse(a) as { prompt: string; model?: string });
    const fresh = args.filter((a) => a.prompt.startsWith('new'));
    const repeated = args.filter((a) => a.prompt.startsWith('same'));
    expect(fresh.length).toBeGreaterThan(5);
    expect(repeated.length).toBeGreaterThan(5);
    expect(new Set(fresh.map((a) => a.prompt)).size).toBe(fresh.length);
    expect(fresh.every((a) => a.model === 'glm-4.5-flash')).toBe(true);
    expect(new Set(repeated.map((a) => JSON.stringify(a)))).toEqual(new Set(['{"prompt":"same"}']));
  });

  it('times out a request that is never answered and moves on', async () => {
    target = await startTarget();
    driver = await startDriver(
      testConfig(target.url, {
        clients: 1,
        requestTimeoutMs: 100,
        mix: [
          { weight: 1, tool: 'silent' },
          { weight: 3, tool: 'echo' },
        ],
      }),
    );
    const s = await driver.window(700, true);
    expect(s.errorsByKind.timeout).toBeGreaterThanOrEqual(1);
    expect(s.errorsByKind.timeout).toBe(s.perTool.silent.requests);
    expect(s.perTool.echo.requests).toBeGreaterThan(0);
  });

  it('churns: closes and resumes the SAME session id every N requests, handshakes counted', async () => {
    target = await startTarget();
    driver = await startDriver(testConfig(target.url, { clients: 2, sessionPrefix: 'churny', churn: { everyRequests: 5 } }));
    const helloCount = target.counts.hellos.length;
    const { result: s, received, sent } = await serverDelta(target, () => driver!.window(500, true));
    const newHellos = target.counts.hellos.slice(helloCount);
    expect(newHellos.length).toBeGreaterThanOrEqual(4);
    expect(new Set(newHellos)).toEqual(new Set(['churny-0', 'churny-1']));
    // one reconnect per 5 requests per client (the last may still be under way when the window ends)
    expect(newHellos.length).toBeGreaterThanOrEqual(Math.floor(s.requests / 5) - 2);
    expect(newHellos.length).toBeLessThanOrEqual(Math.ceil(s.requests / 5));
    expect(s.errors).toBe(0);
    expect(s.framesSent).toBe(received);
    expect(s.framesReceived).toBe(sent);
    expect(s.framesSent).toBe(s.requests + newHellos.length);
  });

  it('fails the call in flight when the target drops the connection, resumes the session, goes on', async () => {
    target = await startTarget();
    driver = await startDriver(testConfig(target.url, { clients: 2, sessionPrefix: 'lost' }));
    const t = target;
    const h0 = t.counts.hellos.length;
    const kick = setTimeout(() => t.dropConnections(), 200);
    const c0 = t.counts.calls;
    const s = await driver.window(800, true);
    clearTimeout(kick);
    expect(s.errorsByKind.closed).toBeGreaterThanOrEqual(1);
    expect(s.errors).toBe(s.errorsByKind.closed);
    expect(t.counts.hellos.slice(h0).sort()).toEqual(['lost-0', 'lost-1']);
    // calls went on after the reconnect: more than were made before the drop
    expect(t.counts.calls - c0).toBeGreaterThan(10);
    // a call cut off on the wire may or may not have reached the target
    expect(t.counts.calls - c0).toBeGreaterThanOrEqual(s.requests - s.errorsByKind.closed);
    expect(t.counts.calls - c0).toBeLessThanOrEqual(s.requests);
  });

  it('opens idle connections that only say hello', async () => {
    target = await startTarget();
    driver = await startDriver(testConfig(target.url, { clients: 1, idleClients: 30, sessionPrefix: 'many' }));
    expect(target.counts.connections).toBe(31);
    expect(target.counts.hellos.filter((h) => h.startsWith('many-idle-')).length).toBe(30);
    const s = await driver.window(200, true);
    expect(s.framesSent).toBe(s.requests);
  });

  it('rejects a refused hello with the reason', async () => {
    target = await startTarget({ token: 'right' });
    await expect(Driver.start(testConfig(target.url, { token: 'wrong' }))).rejects.toThrow(/hello rejected: unauthorized/);
    driver = await startDriver(testConfig(target.url, { token: 'right' }));
    expect((await driver.window(100, true)).requests).toBeGreaterThan(0);
  });

  it('speaks MCP: JSON-RPC tools/call, tool errors and JSON-RPC errors counted', async () => {
    target = await startTarget({ protocol: 'mcp' });
    driver = await startDriver(
      testConfig(target.url, {
        protocol: 'mcp',
        mix: [
          { weight: 2, tool: 'echo', args: { text: 'x' } },
          { weight: 1, tool: 'fail' },
          { weight: 1, tool: 'unknown' },
        ],
      }),
    );
    const { result: s, received, sent } = await serverDelta(target, () => driver!.window(400, true));
    expect(s.requests).toBeGreaterThan(20);
    expect(s.errorsByKind.tool_error).toBe(s.perTool.fail.requests);
    expect(s.errorsByKind['-32602']).toBe(s.perTool.unknown.requests);
    expect(s.framesSent).toBe(received);
    expect(s.framesReceived).toBe(sent);
  });

  it('sends the same requests from two drivers of one seed and salt, however fast their targets answer', async () => {
    // Two variants, each against its own world: the slower one completes fewer turns per window,
    // but every request it sends is one the faster one sent too (same tool, same varied prompt),
    // in every window, not only the first (a turn more or less must not shift what follows).
    const config = (url: string) =>
      testConfig(url, {
        clients: 3,
        salt: 'shared',
        load: { model: 'closed', thinkTime: 'exponential:mean=2ms' },
        mix: [
          { weight: 3, tool: 'echo', args: { prompt: 'a' } },
          { weight: 1, tool: 'echo', args: { prompt: 'b' } },
        ],
      });
    const fast = await startEchoTarget({ recordArgs: true, replyDelayMs: 1 });
    const slow = await startTarget({ recordArgs: true, replyDelayMs: 6 });
    const fastDriver = await Driver.start(config(fast.url));
    try {
      driver = await startDriver(config(slow.url));
      for (let w = 0; w < 3; w++) await Promise.all([fastDriver.window(250, true), driver.window(250, true)]);
      const sentFast = new Set(fast.counts.args);
      expect(slow.counts.args.length).toBeGreaterThan(30);
      expect(fast.counts.args.length).toBeGreaterThan(slow.counts.args.length);
      expect(slow.counts.args.filter((a) => !sentFast.has(a))).toEqual([]);
      // both entries were sent, each prompt varied (no two alike)
      expect(slow.counts.args.some((a) => a.includes('"a [shared] #'))).toBe(true);
      expect(slow.counts.args.some((a) => a.includes('"b [shared] #'))).toBe(true);
      expect(new Set(slow.counts.args).size).toBe(slow.counts.args.length);
    } finally {
      await fastDriver.stop();
      await fast.close();
    }
  });
});
