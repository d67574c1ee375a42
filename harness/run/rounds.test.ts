import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram } from '../driver/histogram.ts';
import type { WindowStats } from '../driver/messages.ts';
import { WindowResult } from '../result/schema.ts';
import { changesByPair, compareRounds, validPairs } from './compare-rounds.ts';
import { exactnessRound, exactnessSpan, summarizeExactness } from './exactness.ts';
import { attachMatchedWork, buildWindowResult } from './window-result.ts';
import { roundOrders, scenarioSeed } from './seeds.ts';

function stats(latencyUs: number, requests: number, over: Partial<WindowStats> = {}): WindowStats {
  const h = newHistogram();
  for (let i = 0; i < requests; i++) h.recordValue(latencyUs + (i % 10));
  return {
    requests, errors: 0, okInSpan: requests - (over.errors ?? 0), errorsByKind: {}, dropped: 0, framesSent: requests, framesReceived: requests, framesSentTotal: requests, framesReceivedTotal: requests,
    durationMs: 2000, histogram: encodeHistogram(h), perTool: { status: { requests, histogram: encodeHistogram(h) } },
    driverCpuUs: { user: 200_000, system: 100_000 }, ...over,
  };
}

function round(r: number, variant: 'baseline' | 'instrumented', latencyUs: number, cpuUs: number, valid = true) {
  const res = buildWindowResult({ round: r, variant, order: 0, stats: stats(latencyUs, 1000), target: { cpuUs: { user: cpuUs * 1000, system: 0 }, rssBytes: 1 } });
  return valid ? res : { ...res, valid: false, invalidReason: 'test' };
}

describe('WindowResult from a driver window', () => {
  it('summarises the histogram, derives throughput, CPU per request and driver CPU, and validates', () => {
    const r = buildWindowResult({ round: 1, variant: 'baseline', order: 1, stats: stats(500, 1000, { errors: 10 }), target: { cpuUs: { user: 30_000, system: 10_000 }, rssBytes: 5 } });
    expect(WindowResult.parse(r)).toEqual(r);
    expect(r.latencyUs!.p50).toBeGreaterThanOrEqual(500);
    expect(r.latencyUs!.p50).toBeLessThan(512);
    expect(r.throughput).toBe(495); // successful requests per second
    expect(r.cpuPerRequestUs).toBe(40);
    expect(r.driverCpuPct).toBeCloseTo(15);
    expect(r.valid).toBe(true);
    expect(r.perTool!.status.requests).toBe(1000);
  });

  it("takes the driver's successes counted by their share of the window (okInSpan) for throughput", () => {
    const r = buildWindowResult({ round: 1, variant: 'baseline', order: 1, stats: stats(500, 1000, { errors: 10, okInSpan: 962.5 }), target: { cpuUs: { user: 30_000, system: 10_000 }, rssBytes: 5 } });
    expect(r.throughput).toBe(481.25);
    expect(r.cpuPerRequestUs).toBe(40); // CPU per request still divides by every finished request
  });

  it('a saturated driver or an empty window invalidates the round, with the reason', () => {
    const hot = buildWindowResult({ round: 1, variant: 'baseline', order: 0, stats: stats(500, 100, { driverCpuUs: { user: 1_900_000, system: 0 } }), target: { cpuUs: null, rssBytes: null } });
    expect(hot.valid).toBe(false);
    expect(hot.invalidReason).toMatch(/driver saturated: 95% of a core > 90%/);
    expect(hot.cpuPerRequestUs).toBeNull();
    const empty = buildWindowResult({ round: 1, variant: 'baseline', order: 0, stats: stats(500, 0), target: { cpuUs: null, rssBytes: null } });
    expect(empty.invalidReason).toMatch(/no request completed/);
    expect(empty.latencyUs).toBeNull();
  });
});

describe('comparisons over rounds', () => {
  it('pairs rounds by number and drops a round when either variant is invalid', () => {
    const rounds = [round(1, 'baseline', 100, 10), round(1, 'instrumented', 100, 10), round(2, 'instrumented', 100, 10, false), round(2, 'baseline', 100, 10)];
    expect(validPairs(rounds).map(([b]) => b.round)).toEqual([1]);
  });

  it('a +20% CPU cost over 6 rounds fails a 5% budget; latency unchanged passes; only budgeted metrics (and always the error rate) are compared', () => {
    const rounds = [];
    for (let r = 1; r <= 6; r++) {
      const noise = 1 + (r % 3) * 0.01;
      rounds.push(round(r, 'baseline', 1000 * noise, 30 * noise), round(r, 'instrumented', 1000 * noise, 36 * noise));
    }
    const c = compareRounds(rounds, { p50: 5, cpuPerRequest: 5 }, 7);
    expect(c.map((x) => x.metric)).toEqual(['p50', 'cpuPerRequest', 'errorRate']);
    expect(c[2]).toMatchObject({ budgetPct: 0.1, estimatePct: 0, verdict: 'pass' });
    expect(c[0].verdict).toBe('pass');
    expect(c[1].verdict).toBe('fail');
    expect(c[1].estimatePct).toBeCloseTo(20, 0);
    // Seeded: the same rounds and seed give the same intervals.
    expect(compareRounds(rounds, { p50: 5, cpuPerRequest: 5 }, 7)).toEqual(c);
  });

  it('says how many requests lie beyond each percentile in the thinnest window, and warns below 10', () => {
    const w = (r: number, variant: 'baseline' | 'instrumented', requests: number) =>
      buildWindowResult({ round: r, variant, order: 0, stats: stats(100, requests), target: { cpuUs: { user: 1000, system: 0 }, rssBytes: 1 } });
    const rounds = [1, 2, 3, 4, 5].flatMap((r) => [w(r, 'baseline', 1200), w(r, 'instrumented', r === 3 ? 850 : 1200)]);
    const c = compareRounds(rounds, { p50: 5, p99: 5, cpuPerRequest: 5 }, 3);
    const by = Object.fromEntries(c.map((x) => [x.metric, x]));
    expect(by.p50.tailRequests).toBe(425);
    expect(by.p99.tailRequests).toBe(8);
    expect(by.p99.note).toMatch(/p99 rests on 8 request\(s\) beyond it in the thinnest window/);
    expect(by.p50.note ?? '').not.toMatch(/rests on/);
    expect(by.cpuPerRequest.tailRequests).toBeUndefined();
  });

  it('compares throughput on the time each variant took for the same requests when every round has it, keeping the windows\' own rates as the medians', () => {
    // Window counts that say -5% (edge luck), matched work that says the instrumented one took 2% longer.
    const rounds = [1, 2, 3, 4, 5, 6].flatMap((r) => {
      const ends = Array.from({ length: 4 }, (_, c) => [400 + c + r, 900 + c + r]);
      const windows = [
        { result: round(r, 'baseline', 100, 10), finishes: { finishesMs: ends } },
        { result: { ...round(r, 'instrumented', 100, 10), throughput: 475 }, finishes: { finishesMs: ends.map((e) => e.map((t) => t * 1.02)) } },
      ];
      attachMatchedWork(windows);
      return windows.map((w) => w.result);
    });
    expect(rounds[0].matchedWork).toEqual({ requests: 8, clients: 4, ms: 900 + 1.5 + 1 });
    for (const r of rounds) expect(WindowResult.parse(r)).toEqual(r);
    const [t] = compareRounds(rounds, { throughput: 3 }, 1);
    expect(t).toMatchObject({ metric: 'throughput', matchedRequests: 8, baselineMedian: 500, instrumentedMedian: 475, verdict: 'pass' });
    expect(t.estimatePct).toBeCloseTo(2, 6);
    // The pairs' luck reads the same changes as the comparison (the matched work's), not the windows' counts.
    const [byPair] = changesByPair('throughput', rounds);
    for (const c of byPair) expect(c).toBeCloseTo(Math.log(1.02), 6);
    // One round without it: every round falls back to the windows' own counts.
    const [counted] = compareRounds(rounds.map((r) => (r.round === 3 ? { ...r, matchedWork: undefined } : r)), { throughput: 3 }, 1);
    expect(counted.matchedRequests).toBeUndefined();
    expect(counted.estimatePct).toBeCloseTo(100 * (500 / 475 - 1), 6);
  });

  it('leaves out a metric no round can provide (CPU of a url target without a pid)', () => {
    const r = buildWindowResult({ round: 1, variant: 'baseline', order: 0, stats: stats(100, 10), target: { cpuUs: null, rssBytes: null } });
    const x = { ...r, variant: 'instrumented' as const };
    expect(compareRounds([r, x], { cpuPerRequest: 5, throughput: 2 }, 1).map((c) => c.metric)).toEqual(['throughput', 'errorRate']);
  });
});

describe('exactness', () => {
  const t = (received: number, sent: number) => ({ backend: 'fast', exact: true, messagesReceived: received, messagesSent: sent });
  it('ok when every round matches in both directions; a mismatch names the round', () => {
    const good = exactnessRound(1, stats(1, 100), t(10, 20), t(110, 120));
    expect(summarizeExactness([good])).toMatchObject({ expected: 200, recorded: 200, ok: true });
    const bad = exactnessRound(2, stats(1, 100), t(0, 0), t(100, 99), 'instrumented');
    const s = summarizeExactness([good, bad])!;
    expect(s.ok).toBe(false);
    expect(s.detail).toMatch(/round 2 \(instrumented\): driver sent 100 \/ received 100, daemon counted received 100 \/ sent 99/);
    expect(summarizeExactness([])).toBeNull();
  });

  it('a continuous span is held from its drained edges: frames between windows count, and a miss names its rounds', () => {
    const driver = (sent: number, received: number) => ({ framesSentTotal: sent, framesReceivedTotal: received });
    const span = exactnessSpan({ from: 3, to: 12 }, { before: driver(40, 40), after: driver(1040, 2040) }, t(40, 40), t(1040, 2040), 'baseline');
    expect(span).toEqual({ round: 12, fromRound: 3, variant: 'baseline', driverSent: 1000, driverReceived: 2000, daemonReceived: 1000, daemonSent: 2000 });
    const ok = summarizeExactness([span])!;
    expect(ok).toMatchObject({ expected: 3000, recorded: 3000, ok: true });
    expect(ok.detail).toMatch(/^1 span\(s\) of measured windows/);
    const lost = exactnessSpan({ from: 3, to: 12 }, { before: driver(40, 40), after: driver(1040, 2040) }, t(40, 40), t(1039, 2040), 'instrumented');
    expect(summarizeExactness([span, lost])!.detail).toMatch(/^rounds 3-12 \(instrumented\): driver sent 1000 \/ received 2000, daemon counted received 999 \/ sent 2000/);
  });
});

describe('seeds', () => {
  it('orders are reproducible per seed, both orders occur, and a scenario seed depends on its name', () => {
    expect(roundOrders(42, 20)).toEqual(roundOrders(42, 20));
    const firsts = new Set(roundOrders(42, 20).map((o) => o[0]));
    expect(firsts.size).toBe(2);
    expect(scenarioSeed(1, 'a')).not.toBe(scenarioSeed(1, 'b'));
    expect(scenarioSeed(1, 'a')).toBe(scenarioSeed(1, 'a'));
  });
});
