import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { alive } from '../../common/proc.ts';
import { testConfig } from './testing/config.ts';
import { startEchoTarget, type EchoTarget } from './testing/echo-target.ts';
import { forkDriver, type DriverProcess } from './process.ts';
import { decodeHistogram } from './histogram.ts';
import { watchDriverProgress, type DriverProgress } from './progress.ts';

const targets: EchoTarget[] = [];
const drivers: DriverProcess[] = [];
afterAll(async () => {
  for (const d of drivers) await d.kill();
  for (const t of targets) await t.close();
});

describe('driver process over IPC', () => {
  it('start -> ready, windows -> stats, stop -> stopped and the process is gone', async () => {
    const target = await startEchoTarget();
    targets.push(target);
    const d = await forkDriver(testConfig(target.url, { clients: 2, mix: [{ weight: 1, tool: 'stream' }] }));
    drivers.push(d);
    expect(alive(d.pid)).toBe(true);
    expect(target.counts.hellos).toEqual(expect.arrayContaining(['test-0', 'test-1']));
    const warm = await d.window(200, false);
    expect(warm.requests).toBeGreaterThan(0);
    expect(decodeHistogram(warm.histogram).totalCount).toBe(0);
    const r0 = target.counts.framesReceived;
    const s0 = target.counts.framesSent;
    const s = await d.window(400, true);
    expect(s.requests).toBeGreaterThan(0);
    expect(decodeHistogram(s.histogram).totalCount).toBe(s.requests);
    expect(s.framesSent).toBe(target.counts.framesReceived - r0);
    expect(s.framesReceived).toBe(target.counts.framesSent - s0);
    expect(s.driverCpuUs.user + s.driverCpuUs.system).toBeGreaterThan(0);
    await d.stop();
    expect(await d.exited).toBe(0);
    expect(alive(d.pid)).toBe(false);
    // its connections went with it
    for (let i = 0; i < 50 && target.openConnections() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(target.openConnections()).toBe(0);
  });

  it('reports a window in progress every second only while someone watches (the live view); otherwise sends nothing until the window is done', async () => {
    const target = await startEchoTarget();
    targets.push(target);
    const d = await forkDriver(testConfig(target.url, { load: { model: 'closed', thinkTime: 'constant:v=2ms' } }));
    drivers.push(d);
    await d.window(2200, true);
    expect(d.progressReports).toBe(0);

    const seen: DriverProgress[] = [];
    const unwatch = watchDriverProgress((p) => seen.push(p));
    let measured;
    try {
      // 2.6 s: room for a tick that a loaded machine delays by a few hundred ms (CI once saw the
      // first at 1.3 s, which pushed the second past a 2.2 s window), and none for a third.
      measured = await d.window(2600, true);
      // A warm-up window records no latency: counts only.
      await d.window(1200, false);
    } finally {
      unwatch();
    }
    expect(d.progressReports).toBe(seen.length);
    const during = seen.filter((p) => p.latencyUs !== null);
    // Once a second of the 2.6 s window (the ticks expire before the window's end, so they come first).
    expect(during).toHaveLength(2);
    expect(during[0].elapsedMs).toBeGreaterThanOrEqual(990);
    expect(during[1].elapsedMs - during[0].elapsedMs).toBeGreaterThanOrEqual(900);
    expect(during[1].requests).toBeGreaterThan(during[0].requests);
    expect(during[1].requests).toBeLessThanOrEqual(measured.requests);
    for (const p of during) expect(p.latencyUs!.p50).toBeGreaterThan(0);
    expect(seen.slice(during.length).map((p) => [p.label, p.latencyUs])).toEqual([['load', null]]);

    // Nobody watches any more: the next window is asked for none.
    await d.window(1200, true);
    expect(d.progressReports).toBe(seen.length);
  });

  it.each([
    ['closed', { model: 'closed' as const }],
    ['open', { model: 'open' as const, ratePerSec: 40, arrival: 'uniform' as const }],
  ])('a window that keeps issuing (%s model) returns without draining; the load runs on, and the next plain window drains it once', async (_name, load) => {
    // Replies take 1 s: a 100 ms window cannot see any of them finish.
    const target = await startEchoTarget({ replyDelayMs: 1000 });
    targets.push(target);
    const d = await forkDriver(testConfig(target.url, { load, requestTimeoutMs: 10_000 }));
    drivers.push(d);
    const first = await d.window(100, false, undefined, true);
    expect(first.requests).toBe(0);
    const sent = target.counts.calls;
    expect(sent).toBeGreaterThan(0);
    // Still issuing between windows: the open model's arrivals go on, the closed model's calls are out.
    const second = await d.window(1500, false, undefined, true);
    expect(second.requests).toBeGreaterThan(0);
    expect(target.counts.calls).toBeGreaterThan(sent);
    // A plain window (even of 0 ms) stops the load and drains everything still out.
    const drain = await d.window(0, false);
    expect(drain.requests).toBeGreaterThan(0);
    const calls = target.counts.calls;
    await new Promise((r) => setTimeout(r, 300));
    expect(target.counts.calls).toBe(calls);
    // The next window starts the load anew, with quiet edges: the driver's frames are the target's.
    const r0 = target.counts.framesReceived;
    const s0 = target.counts.framesSent;
    const measured = await d.window(1200, true);
    expect(measured.requests).toBeGreaterThan(0);
    expect(measured.framesSent).toBe(target.counts.framesReceived - r0);
    expect(measured.framesReceived).toBe(target.counts.framesSent - s0);
  });

  it('a 0 ms window on a stopped load sends nothing; across windows that run on, the frames since the start match the target, gaps included', async () => {
    const target = await startEchoTarget({ replyDelayMs: 150 });
    targets.push(target);
    const d = await forkDriver(testConfig(target.url, { clients: 3, load: { model: 'closed' }, requestTimeoutMs: 10_000 }));
    drivers.push(d);
    const quiet = await d.window(0, false);
    expect(quiet.requests).toBe(0);
    expect(quiet.framesSent).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(target.counts.calls).toBe(0);
    // The quiet edge: everything so far (the handshakes) on both sides.
    expect(quiet.framesSentTotal).toBe(target.counts.framesReceived);
    expect(quiet.framesReceivedTotal).toBe(target.counts.framesSent);
    const windows = [];
    for (let i = 0; i < 3; i++) {
      windows.push(await d.window(400, true, undefined, true));
      // A gap between windows: the load runs on, and its frames belong to no window.
      await new Promise((r) => setTimeout(r, 100));
    }
    const end = await d.window(0, false);
    expect(end.requests).toBeGreaterThan(0);
    const inWindows = windows.reduce((a, w) => a + w.framesSent, 0);
    expect(inWindows).toBeLessThan(end.framesSentTotal - quiet.framesSentTotal);
    expect(end.framesSentTotal).toBe(target.counts.framesReceived);
    expect(end.framesReceivedTotal).toBe(target.counts.framesSent);
    // Recorded windows that run on count each finished call whole, and say at which call each
    // client's finishes begin and when the call before ended.
    for (const w of windows) {
      expect(w.okInSpan).toBe(w.requests - w.errors);
      expect(decodeHistogram(w.histogram).totalCount).toBe(w.requests);
      expect(w.finishesMs!.flat()).toHaveLength(w.requests);
    }
    expect(windows[0].finishFirstTurn).toEqual([0, 0, 0]);
    for (let i = 1; i < windows.length; i++) {
      for (let c = 0; c < 3; c++) {
        // the calls finished in the gap before this window count in neither
        expect(windows[i].finishFirstTurn![c]).toBeGreaterThanOrEqual(windows[i - 1].finishFirstTurn![c] + windows[i - 1].finishesMs![c].length);
        expect(windows[i].finishPriorMs![c]).toBeLessThan(0);
        expect(windows[i].finishPriorMs![c]).toBeGreaterThan(-1000);
      }
    }
  });

  it('reports a bad config as an error naming the field, and exits', async () => {
    const p = forkDriver(testConfig('ws://127.0.0.1:1', { clients: 0 }));
    await expect(p).rejects.toThrow(/clients: expected a positive integer/);
  });

  it('reports an unreachable target, and exits', async () => {
    const target = await startEchoTarget();
    const url = target.url;
    await target.close(); // nothing listens there any more
    await expect(forkDriver(testConfig(url))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('exits by itself when its parent dies without stopping it', async () => {
    const target = await startEchoTarget();
    targets.push(target);
    const parent = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/orphan-parent.ts', import.meta.url)), target.url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    parent.stdout.on('data', (b: Buffer) => (out += b.toString()));
    await new Promise((r) => parent.once('exit', r));
    const pid = Number(JSON.parse(out).driverPid);
    expect(pid).toBeGreaterThan(0);
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
    for (let i = 0; i < 50 && target.openConnections() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(target.openConnections()).toBe(0);
  });

  it('exits when its parent kills it mid-window', async () => {
    const target = await startEchoTarget();
    targets.push(target);
    const d = await forkDriver(testConfig(target.url));
    const w = d.window(5_000, true).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 200));
    await d.kill();
    expect(alive(d.pid)).toBe(false);
    expect(await w).toBeInstanceOf(Error);
  });
});
