/**
 * The live view of a run: its state folded from run events (what is in progress, time left,
 * rounds, estimates that narrow), and its page in Debian's chromium: no console errors, no
 * request beyond this host, charts that move as rounds arrive, the report linked at the end.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithDeps } from '../../common/testing/system-deps.ts';
import { chartInk, launchChromium, watchPage } from '../../common/testing/browser.ts';
import type { RunEvent } from '../run/events.ts';
import type { ScenarioResult, WindowResult } from '../result/schema.ts';
import { LiveState } from './live-state.ts';
import { startLiveView, type LiveView } from './live-server.ts';

// Browser globals for the evaluate callbacks; module-scoped so the project's Node typing (no DOM lib) is untouched.
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const BUDGETS = { p50: 5, p99: 10, throughput: 3, cpuPerRequest: 5 };

/** A measured window as the run loop reports it; `k` moves the figures round by round. */
function windowResult(round: number, variant: 'baseline' | 'instrumented', k: number): WindowResult {
  // The instrumented variant is ~2% slower, with noise that differs round by round.
  const slow = variant === 'instrumented' ? 1.02 + 0.01 * (((round * 2 + k) % 3) - 1) : 1;
  const p50 = Math.round((1000 + 37 * ((round * 7 + k) % 5)) * slow);
  return {
    round, variant, order: 0, requests: 2000, errors: 0, throughput: 1000 / slow - round, valid: true,
    latencyUs: { p50, p95: p50 * 2, p99: p50 * 3, p999: p50 * 4, max: p50 * 5, mean: p50 * 1.2 },
    histogram: null, cpuUs: { user: 100_000 * slow, system: 10_000 }, cpuPerRequestUs: (55 + ((round * 7) % 5)) * slow, rssBytes: 50e6, driverCpuPct: 20,
  };
}

function* runEvents(rounds: number): Generator<RunEvent> {
  yield { type: 'run-start', scenarios: [{ name: 'demo', profile: 'smoke', plannedSec: rounds * 2 }], plannedSec: rounds * 2 };
  yield { type: 'scenario-start', scenario: 'demo', index: 0, count: 1, plannedSec: rounds * 2 };
  for (let r = 0; r < rounds; r++) {
    yield { type: 'window-start', scenario: 'demo', round: r + 1, rounds, variant: 'both', phase: 'measure', durationSec: 2 };
    yield { type: 'round-done', scenario: 'demo', result: windowResult(r, 'baseline', 0) };
    yield { type: 'round-done', scenario: 'demo', result: windowResult(r, 'instrumented', 0) };
  }
}

describe('live state', () => {
  it('says what is in progress and how long is left, keeps every round, and adds an estimate per metric after each round pair', () => {
    const s = new LiveState(() => BUDGETS, 7);
    const events = [...runEvents(6)];
    for (const e of events.slice(0, 3)) s.onEvent(e);
    const mid = s.snapshot();
    expect(mid.current).toMatchObject({ scenario: 'demo', round: 1, rounds: 6, variant: 'both', phase: 'measure' });
    expect(mid.leftSec).toBeGreaterThan(10);
    expect(mid.leftSec).toBeLessThanOrEqual(12);
    for (const e of events.slice(3)) s.onEvent(e);
    const snap = s.snapshot();
    const demo = snap.scenarios[0];
    expect(demo.rounds).toHaveLength(12);
    const cpu = demo.estimates.filter((e) => e.metric === 'cpuPerRequest');
    // one look per round pair from the second on: 2..6 pairs
    expect(cpu.map((e) => e.pairs)).toEqual([2, 3, 4, 5, 6]);
    const width = (e: (typeof cpu)[number]) => (e.ciHighPct ?? Infinity) - (e.ciLowPct ?? -Infinity);
    expect(width(cpu[cpu.length - 1])).toBeLessThan(width(cpu[1]));
    expect(snap.leftSec).toBeLessThanOrEqual(2);
  });

  it("folds each driver's reports into the window in progress: throughput since the last report, percentiles so far; a new window starts afresh", () => {
    const s = new LiveState(() => BUDGETS, 7);
    const [run, start, window] = [...runEvents(2)];
    for (const e of [run, start, window]) s.onEvent(e);
    const v0 = s.version;
    s.progress({ label: 'baseline', elapsedMs: 1000, requests: 500, errors: 1, latencyUs: { p50: 900, p95: 1500, p99: 2000 } });
    s.progress({ label: 'instrumented', elapsedMs: 1010, requests: 480, errors: 0, latencyUs: { p50: 950, p95: 1600, p99: 2100 } });
    s.progress({ label: 'baseline', elapsedMs: 2000, requests: 1100, errors: 1, latencyUs: { p50: 910, p95: 1500, p99: 2200 } });
    s.progress({ label: 'load', elapsedMs: 2000, requests: 9, errors: 0, latencyUs: null }); // not a variant: ignored
    expect(s.version).toBe(v0 + 3);
    const live = s.snapshot().current!.live;
    expect(live.baseline).toEqual({
      elapsedSec: 2, requests: 1100, errors: 1, throughput: 600, p50: 910, p95: 1500, p99: 2200,
      series: [{ t: 1, throughput: 500 }, { t: 2, throughput: 600 }],
    });
    expect(live.instrumented).toMatchObject({ requests: 480, throughput: 475.2, p99: 2100 });
    s.onEvent({ type: 'window-start', scenario: 'demo', round: 2, rounds: 2, variant: 'both', phase: 'warmup', durationSec: 2 });
    expect(s.snapshot().current!.live).toEqual({});
    s.progress({ label: 'baseline', elapsedMs: 1000, requests: 300, errors: 0, latencyUs: null });
    expect(s.snapshot().current!.live.baseline).toMatchObject({ throughput: 300, p50: null, series: [{ t: 1, throughput: 300 }] });
  });
});

describeWithDeps(['chromium'], 'live view page in a real browser', () => {
  let browser: Browser;
  let view: LiveView;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-live-'));
    view = await startLiveView({ port: 0, budgetsOf: () => BUDGETS, seed: 3 });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await view?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('follows the run: no console errors, nothing fetched from elsewhere, charts that move, the final report linked', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 1000 } });
    const { problems, requests } = watchPage(page);
    await page.goto(view.url, { waitUntil: 'load' });
    await page.waitForFunction(() => Number(document.documentElement.getAttribute('data-updates')) >= 1);

    const events = [...runEvents(6)];
    for (const e of events.slice(0, 8)) view.onEvent(e);
    await page.waitForFunction(() => window.liveState?.scenarios?.[0]?.rounds?.length === 4);
    const early = await page.evaluate(() => ({ now: document.getElementById('now').textContent, est: window.liveState.scenarios[0].estimates.length }));
    expect(early.now).toContain('scenario demo (1/1) · round 2/6 · both · measure');
    // The window in progress, as the drivers report it.
    view.onEvent(events[8]);
    for (const [k, label] of [[1, 'baseline'], [1, 'instrumented'], [2, 'baseline']] as const) {
      view.onProgress({ label, elapsedMs: k * 1000, requests: k * 900, errors: 0, latencyUs: { p50: 1000 + k, p95: 2000, p99: 3000 } });
    }
    await page.waitForFunction(() => document.querySelector('#window-live tr[data-variant="baseline"] td:nth-child(2)')?.textContent === '2');
    const rows: string[][] = await page.evaluate(() => [...document.querySelectorAll('#window-live tbody tr')].map((tr: any) => [...tr.cells].map((td: any) => td.textContent))); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(rows).toEqual([['baseline', '2', '900', '1,800', '0', '1', '2', '3'], ['instrumented', '1', '900', '900', '0', '1', '2', '3']]);
    for (const e of events.slice(9)) view.onEvent(e);
    await page.waitForFunction(() => window.liveState?.scenarios?.[0]?.rounds?.length === 12);
    const late = await page.evaluate(() => window.liveState.scenarios[0].estimates.length);
    expect(late).toBeGreaterThan(early.est);

    // Every chart has ink: the window's throughput, throughput, latency and the estimate's interval.
    const ink = (await chartInk(page)).map((c) => c.ink);
    expect(ink).toHaveLength(4);
    for (const n of ink) expect(n).toBeGreaterThan(300);

    const scenarioEnd: ScenarioResult = {
      name: 'demo', kind: 'realistic', verdict: 'pass', variants: { baseline: { target: 'reference' }, instrumented: { target: 'reference' } },
      rounds: [], comparisons: [{ metric: 'cpuPerRequest', budgetPct: 5, estimatePct: 2, ciLowPct: 0.5, ciHighPct: 3.5, verdict: 'pass', rounds: 6 }], exactness: null,
    } as ScenarioResult;
    view.onEvent({ type: 'scenario-end', result: scenarioEnd });
    view.onEvent({ type: 'run-end', result: { verdict: 'pass' } as never });
    const report = path.join(dir, 'latest.html');
    await writeFile(report, '<!doctype html><link rel="icon" href="data:,"><title>the report</title><h1>final report</h1>');
    view.reportReady(report);
    await page.waitForSelector('#report-link');
    await page.click('#report-link');
    await page.waitForFunction(() => document.title === 'the report');
    expect(await page.textContent('h1')).toBe('final report');

    expect(problems).toEqual([]);
    const origin = view.url.replace('http://', '');
    for (const r of requests) expect(r.startsWith(`http://${origin}`) || r.startsWith(`ws://${origin}`), r).toBe(true);
    await page.close();
  }, 60_000);
});
