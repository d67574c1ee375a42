/**
 * /stats?gc=young: the young collection the harness asks for as each window starts. The sampler's
 * side with a stand-in for V8's `gc`; the endpoint's over real HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LiveState } from '../live-state.ts';
import { startTestDaemon, type TestDaemon } from '../testing/in-process.ts';
import { StatsSampler } from './process-stats.ts';

describe('StatsSampler', () => {
  it('collects the young generation only when asked and able, and says how long it took', () => {
    const calls: unknown[] = [];
    const sampler = new StatsSampler(new LiveState(), { gc: (opts) => calls.push(opts) });
    try {
      expect(sampler.sample().youngGcUs).toBeUndefined();
      expect(calls).toEqual([]);
      const asked = sampler.sample({ collectYoung: true });
      expect(calls).toEqual([{ type: 'minor' }]);
      expect(asked.youngGcUs).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(asked.youngGcUs)).toBe(true);
    } finally {
      sampler.stop();
    }
  });

  it("serves the metrics backend's timer CPU when the backend counts it, rounded to whole us, and leaves it out when not", () => {
    let timerUs: number | undefined = 1234.6;
    const sampler = new StatsSampler(new LiveState(), { metricsTimerCpuUs: () => timerUs });
    try {
      expect(sampler.sample().metricsTimerCpuUs).toBe(1235);
      timerUs = undefined;
      expect('metricsTimerCpuUs' in sampler.sample()).toBe(false);
    } finally {
      sampler.stop();
    }
  });

  it('without an exposed gc, a request for one changes nothing', () => {
    const sampler = new StatsSampler(new LiveState(), { gc: null });
    try {
      const s = sampler.sample({ collectYoung: true });
      expect(s.youngGcUs).toBeUndefined();
      expect(typeof s.cpuUserUs).toBe('number');
    } finally {
      sampler.stop();
    }
  });
});

describe('/stats?gc=', () => {
  let d: TestDaemon | undefined;
  afterEach(async () => {
    await d?.close();
    d = undefined;
  });

  it('young is served (with its duration where this process exposes gc); any other value is a 400 naming gc', async () => {
    d = await startTestDaemon({ METRICS_BACKEND: 'none' });
    const young = await fetch(`${d.monitoringUrl}/stats?gc=young`);
    expect(young.status).toBe(200);
    const body = (await young.json()) as { youngGcUs?: number; rssBytes: number };
    expect(body.rssBytes).toBeGreaterThan(0);
    if (typeof (globalThis as { gc?: unknown }).gc === 'function') expect(body.youngGcUs).toBeGreaterThanOrEqual(0);
    else expect(body.youngGcUs).toBeUndefined();
    // the none backend has no timers, and says so
    expect((body as { metricsTimerCpuUs?: number }).metricsTimerCpuUs).toBe(0);
    const bad = await fetch(`${d.monitoringUrl}/stats?gc=full`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^gc must be young/);
  });
});
