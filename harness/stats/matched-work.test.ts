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

  it('under a load that runs on, pairs the calls by turn and times each variant from the end of the call before the first shared one', () => {
    // client 0: the baseline's window begins at call 5 (call 4 ended 40 ms before it), the
    // instrumented's at call 6 (call 5 ended at 30 ms); both finish through call 8.
    // client 1: both begin at call 2; the baseline finished call 3 as the window closed, the instrumented did not.
    const baseline = { finishesMs: [[30, 500, 900, 1300], [200, 700]], firstTurn: [5, 2], priorMs: [-40, -100] };
    const instrumented = { finishesMs: [[510, 920, 1330], [210]], firstTurn: [6, 2], priorMs: [30, -90] };
    // client 0: calls 6-8, from the end of call 5 (30 ms in both); client 1: call 2.
    expect(matchWork(baseline, instrumented)).toEqual({
      requests: 4,
      clients: 2,
      baselineMs: (1300 - 30 + (200 + 100)) / 2,
      instrumentedMs: (1330 - 30 + (210 + 90)) / 2,
    });
  });

  it('starts a call later where one variant does not know when the call before ended (it failed)', () => {
    const baseline = { finishesMs: [[100, 600, 1100]], firstTurn: [3], priorMs: [-50] };
    const instrumented = { finishesMs: [[110, 620, 1130]], firstTurn: [3], priorMs: [null] };
    expect(matchWork(baseline, instrumented)).toEqual({ requests: 2, clients: 1, baselineMs: 1000, instrumentedMs: 1020 });
  });

  it('reads windows that began the load (every client at call 0, from its send) as before', () => {
    const baseline = [[100, 200, 300], [150, 250]];
    const instrumented = [[110, 220, 330], [160, 270]];
    const turned = (f: number[][]) => ({ finishesMs: f, firstTurn: f.map(() => 0), priorMs: f.map(() => 0) });
    expect(matchWork(turned(baseline), turned(instrumented))).toEqual(matchWork(baseline, instrumented));
  });

  it('has nothing to match without a shared finished request or with different client counts', () => {
    expect(matchWork([[], []], [[1], [2]])).toBeNull();
    expect(matchWork([[1]], [[1], [2]])).toBeNull();
  });
});
