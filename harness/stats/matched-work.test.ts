import { describe, expect, it } from 'vitest';
import { matchedRate, matchWork } from './matched-work.ts';

describe('matchWork', () => {
  it("takes, per client, the requests both variants finished and when each finished the last of them", () => {
    // client 0: both finished 3; client 1: the instrumented variant one fewer; client 2: none in one.
    const baseline = [[100, 200, 300], [150, 250], [120]];
    const instrumented = [[110, 220, 330, 400], [160], []];
    expect(matchWork(baseline, instrumented)).toEqual({ requests: 4, clients: 2, baselineMs: (300 + 150) / 2, instrumentedMs: (330 + 160) / 2 });
  });

  it('reads a 10% slower target as 10% fewer requests per second of the same work', () => {
    const baseline = Array.from({ length: 8 }, (_, c) => [1, 2, 3].map((k) => k * (1000 + c)));
    const slower = baseline.map((ends) => ends.map((t) => t * 1.1));
    const m = matchWork(baseline, slower)!;
    expect(m.requests).toBe(24);
    expect(matchedRate(m.requests, m.instrumentedMs) / matchedRate(m.requests, m.baselineMs)).toBeCloseTo(1 / 1.1, 12);
  });

  it('is unmoved by a request one variant finished and the other never sent (the window-edge call)', () => {
    const baseline = [[500, 1000], [700, 1400]];
    const withEdge = [[500, 1000, 1999], [700, 1400]];
    expect(matchWork(baseline, withEdge)).toEqual(matchWork(baseline, baseline));
  });

  it('has nothing to match without a shared finished request or with different client counts', () => {
    expect(matchWork([[], []], [[1], [2]])).toBeNull();
    expect(matchWork([[1]], [[1], [2]])).toBeNull();
  });
});
