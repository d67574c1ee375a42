import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram } from '../driver/histogram.ts';
import type { WindowStats } from '../driver/messages.ts';
import { WindowResult } from '../result/schema.ts';
import type { WindowMeter } from '../measure/window-meter.ts';
import type { VariantName } from './events.ts';
import type { ExactnessRound } from './exactness.ts';
import { Guard } from './guard.ts';
import { measuredWindows, type LiveVariant } from './measured-window.ts';

function stats(requests: number): WindowStats {
  const h = newHistogram();
  for (let i = 0; i < requests; i++) h.recordValue(100 + i);
  return {
    requests, errors: 0, okInSpan: requests, errorsByKind: {}, dropped: 0, framesSent: requests, framesReceived: requests, framesSentTotal: requests, framesReceivedTotal: requests, durationMs: 1000,
    histogram: encodeHistogram(h), perTool: {}, driverCpuUs: { user: 1000, system: 0 },
  };
}

/**
 * Two variants whose drivers finish their windows when the test says so, and meters that log
 * when they start and end: the order of the log is the schedule, no clock involved.
 */
function world() {
  const log: string[] = [];
  const finish: Partial<Record<VariantName, () => void>> = {};
  const variant = (name: VariantName, pid: number, requests: number): LiveVariant => ({
    name,
    target: { pid, monitoringUrl: null },
    checkExactness: false,
    driver: {
      pid: pid + 1,
      window: (durationMs: number, record: boolean, _timeoutMs?: number, keepIssuing?: boolean) => {
        log.push(`${name} window ${durationMs} ms${record ? ' recorded' : ''}${keepIssuing ? ' keeps issuing' : ''}`);
        return new Promise<WindowStats>((resolve) => {
          finish[name] = () => {
            log.push(`${name} window done`);
            resolve(stats(requests));
          };
        });
      },
    },
  });
  const meter = (pid: number): WindowMeter => {
    log.push(`meter ${pid} start`);
    return {
      end: () => {
        log.push(`meter ${pid} end`);
        return { cpuUs: { user: pid * 100, system: 0 }, rssBytes: pid };
      },
    };
  };
  /** Exact counters that log their reads and count up by 7 each time. */
  const counting = (v: LiveVariant): LiveVariant => {
    let n = 0;
    const counters = {
      where: 'test',
      applies: async () => null,
      read: async (opts?: { catchUp?: boolean }) => {
        log.push(`${v.name} totals${opts?.catchUp === false ? ' as they stand' : ''}`);
        n += 7;
        return { messagesReceived: n, messagesSent: n };
      },
    };
    return { ...v, checkExactness: true, target: { ...v.target, counters } };
  };
  return { log, finish, meter, counting, baseline: variant('baseline', 10, 50), instrumented: variant('instrumented', 20, 40) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('a measured window', () => {
  it('duet: both meters start before either driver window and end after both have finished (the same span)', async () => {
    const w = world();
    const guard = new Guard(new AbortController().signal);
    const done = measuredWindows(
      [{ v: w.baseline, order: 0, core: 1 }, { v: w.instrumented, order: 0, core: 0 }],
      { round: 3, seconds: 2, timeoutMs: 10_000 },
      guard,
      [],
      w.meter,
    );
    await tick();
    // Both windows are running at once: neither waits for the other.
    expect(w.log).toEqual(['meter 10 start', 'meter 20 start', 'baseline window 2000 ms recorded', 'instrumented window 2000 ms recorded']);
    w.finish.instrumented!();
    await tick();
    // One driver is done: no meter may end before the other is.
    expect(w.log.filter((l) => l.includes('end'))).toEqual([]);
    w.finish.baseline!();
    const results = (await done).map((m) => m.result);
    expect(w.log.slice(4)).toEqual(['instrumented window done', 'baseline window done', 'meter 10 end', 'meter 20 end']);
    expect(results.map((r) => [r.round, r.variant, r.order, r.core, r.requests, r.cpuPerRequestUs])).toEqual([
      [3, 'baseline', 0, 1, 50, 20],
      [3, 'instrumented', 0, 0, 40, 50],
    ]);
    for (const r of results) expect(WindowResult.parse(r)).toEqual(r);
  });

  it('continuous (the load runs on between windows): the windows keep issuing, start under the meters, and an exact target is read as it stands, with no check of its own', async () => {
    const w = world();
    const exact: ExactnessRound[] = [];
    const done = measuredWindows(
      [{ v: w.counting(w.baseline), order: 0 }, { v: w.counting(w.instrumented), order: 0 }],
      { round: 2, seconds: 2, timeoutMs: 10_000, continuous: true },
      new Guard(new AbortController().signal),
      exact,
      w.meter,
    );
    for (let i = 0; i < 5; i++) await tick();
    expect(w.log).toEqual([
      'baseline totals as they stand', 'instrumented totals as they stand',
      'meter 10 start', 'meter 20 start',
      'baseline window 2000 ms recorded keeps issuing', 'instrumented window 2000 ms recorded keeps issuing',
    ]);
    w.finish.baseline!();
    w.finish.instrumented!();
    await done;
    expect(w.log.slice(6)).toEqual(['baseline window done', 'instrumented window done', 'meter 10 end', 'meter 20 end', 'baseline totals as they stand', 'instrumented totals as they stand']);
    // Calls out at the window's edges: its frames cannot match the target's, so it is not checked here.
    expect(exact).toEqual([]);
  });

  it('drained: an exact target is read before the meters and after them, and its window is checked', async () => {
    const w = world();
    const exact: ExactnessRound[] = [];
    const done = measuredWindows([{ v: w.counting(w.baseline), order: 0 }], { round: 4, seconds: 1, timeoutMs: 10_000 }, new Guard(new AbortController().signal), exact, w.meter);
    for (let i = 0; i < 5; i++) await tick();
    w.finish.baseline!();
    await done;
    expect(w.log).toEqual(['baseline totals', 'meter 10 start', 'baseline window 1000 ms recorded', 'baseline window done', 'meter 10 end', 'baseline totals']);
    expect(exact).toEqual([{ round: 4, variant: 'baseline', driverSent: 50, driverReceived: 50, daemonReceived: 7, daemonSent: 7 }]);
  });

  it('interleaved: one variant, its meter around its own window, no core', async () => {
    const w = world();
    const done = measuredWindows([{ v: w.instrumented, order: 1 }], { round: 1, seconds: 1, timeoutMs: 10_000 }, new Guard(new AbortController().signal), [], w.meter);
    await tick();
    w.finish.instrumented!();
    const [{ result: r }] = await done;
    expect(w.log).toEqual(['meter 20 start', 'instrumented window 1000 ms recorded', 'instrumented window done', 'meter 20 end']);
    expect(r).toMatchObject({ variant: 'instrumented', order: 1, requests: 40 });
    expect(r.core).toBeUndefined();
  });
});
