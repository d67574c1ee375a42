/** The calibration arithmetic on synthetic rounds: a known spread gives a known MDE, levels and coverage. */
import { describe, expect, it } from 'vitest';
import { createRng, standardNormal } from '../../common/latency.ts';
import { burnLevels, covers, expectedPct, intervalHonesty, sdFromHalfWidths, logToPct, mde, mdePct, mdeWithPairLuckPct, pairLuckSd, pctToLog, pooledSd, roundsFor, Z_ALPHA, Z_POWER, type KnownTruth } from './power.ts';

/** `n` values with mean `mean` and sample standard deviation exactly `sd`. */
function withSd(n: number, mean: number, sd: number): number[] {
  const raw = Array.from({ length: n }, (_, i) => i - (n - 1) / 2);
  const s = Math.sqrt(raw.reduce((a, x) => a + x * x, 0) / (n - 1));
  return raw.map((x) => mean + (sd * x) / s);
}

describe('minimum detectable effect', () => {
  it('uses z(0.975) + z(0.80) = 2.80', () => {
    expect(Z_ALPHA).toBeCloseTo(1.95996, 5);
    expect(Z_POWER).toBeCloseTo(0.84162, 5);
    expect(mde(1, 1)).toBeCloseTo(2.80158, 4);
  });

  it('a known per-round sd gives a known MDE: (z + z) * sd / sqrt(rounds), as a percent for a log-ratio metric', () => {
    const rounds = withSd(10, 0.01, 0.05);
    const sd = pooledSd([rounds]);
    expect(sd).toBeCloseTo(0.05, 12);
    // 2.8016 * 0.05 / sqrt(10) = 0.044297 log -> +4.529%
    expect(mdePct(sd, 10, 'pct')).toBeCloseTo(logToPct((2.801585 * 0.05) / Math.sqrt(10)), 4);
    expect(mdePct(sd, 10, 'pct')).toBeCloseTo(4.529, 2);
    // Percentage points stay points.
    expect(mdePct(0.2, 4, 'pp')).toBeCloseTo((2.801585 * 0.2) / 2, 5);
    expect(mdePct(null, 10, 'pct')).toBeNull();
  });

  it('pools the spread within repeats: a shift between repeats is not round noise', () => {
    const a = withSd(5, 0, 0.04);
    const b = withSd(5, 0.3, 0.04);
    expect(pooledSd([a, b])).toBeCloseTo(0.04, 12);
    expect(pooledSd([[0.1], [0.2]])).toBeNull();
    expect(pooledSd([[0.1], withSd(3, 0, 0.02)])).toBeCloseTo(0.02, 12);
  });

  it('rounds for a target MDE: ((z + z) * sd / target)^2, rounded up; the MDE at n rounds asks back n', () => {
    const sd = 0.05;
    expect(roundsFor(sd, mdePct(sd, 12, 'pct')!, 'pct')).toBe(12);
    expect(roundsFor(sd, 10, 'pct')).toBe(Math.ceil(((2.801585 * sd) / Math.log(1.1)) ** 2));
    expect(roundsFor(0.1, 0.1, 'pp')).toBe(8);
    expect(roundsFor(null, 10, 'pct')).toBeNull();
    expect(roundsFor(sd, 0, 'pct')).toBeNull();
  });

  it('percent and log-ratio convert both ways', () => {
    expect(logToPct(pctToLog(12.5))).toBeCloseTo(12.5, 10);
    expect(pctToLog(0)).toBe(0);
  });
});

describe('injected levels', () => {
  it('sizes burns as 0, 0.5x, 1x, 2x the budget of the baseline CPU per request', () => {
    const levels = burnLevels(160, 10);
    expect(levels.map((l) => l.burnUs)).toEqual([0, 8, 16, 32]);
    expect(levels.map((l) => l.expectedPct)).toEqual([0, 5, 10, 20]);
    expect(levels.map((l) => l.multiple)).toEqual([0, 0.5, 1, 2]);
    expect(expectedPct(17, 169)).toBeCloseTo(10.059, 3);
  });

  it('keeps burns strictly increasing when the baseline is too cheap for whole microseconds', () => {
    expect(burnLevels(3, 10).map((l) => l.burnUs)).toEqual([0, 1, 2, 3]);
  });

  it('coverage: whether the interval holds the expected overhead', () => {
    expect(covers(8, 12, 10)).toBe(true);
    expect(covers(10, 12, 10)).toBe(true);
    expect(covers(11, 12, 10)).toBe(false);
    expect(covers(null, 12, 10)).toBeNull();
  });
});

describe('sdFromHalfWidths', () => {
  it('turns 95% half-widths at n rounds back into the per-round sd, so the MDE is the half-width times (z + z) / z', () => {
    // Half-width 0.02 at 12 rounds: sd 0.02 * sqrt(12) / 1.96.
    expect(sdFromHalfWidths([0.02, 0.02], 12)).toBeCloseTo((0.02 * Math.sqrt(12)) / Z_ALPHA, 12);
    expect(mde(sdFromHalfWidths([0.02], 12)!, 12)).toBeCloseTo((0.02 * (Z_ALPHA + Z_POWER)) / Z_ALPHA, 12);
    // Root mean square: a wide interval weighs more than its share of the mean.
    expect(sdFromHalfWidths([0.01, 0.03], 4)).toBeCloseTo((Math.sqrt(0.0005) * 2) / Z_ALPHA, 12);
    expect(sdFromHalfWidths([], 12)).toBeNull();
  });
});

describe('intervalHonesty', () => {
  /** n intervals of standard error `se` (log-ratio) around estimates drawn with sd `spread` about the truth. */
  function intervals(n: number, se: number, spread: number, seed: number): KnownTruth[] {
    const rng = createRng(seed);
    return Array.from({ length: n }, (_, i) => {
      const truth = pctToLog(i % 2 === 0 ? 0 : 10);
      const est = truth + spread * standardNormal(rng);
      return { truthPct: logToPct(truth), estimatePct: logToPct(est), ciLowPct: logToPct(est - Z_ALPHA * se), ciHighPct: logToPct(est + Z_ALPHA * se) };
    });
  }

  it('counts each miss in standard errors: an estimate one half-width from the truth is 1.96 of them', () => {
    const oneHalfWidth = (truthPct: number, side: 1 | -1): KnownTruth => {
      const est = pctToLog(truthPct) - side * 0.02;
      return { truthPct, estimatePct: logToPct(est), ciLowPct: logToPct(est - 0.02), ciHighPct: logToPct(est + 0.02) };
    };
    const h = intervalHonesty([oneHalfWidth(0, 1), oneHalfWidth(10, -1)])!;
    expect(h.n).toBe(2);
    expect(h.chiSquare).toBeCloseTo(2 * Z_ALPHA ** 2, 9);
    expect(h.scale).toBeCloseTo(Z_ALPHA, 9);
    // chi-square 7.68 on 2: upper tail exp(-7.68 / 2) = 0.0215; Wilson-Hilferty is close.
    expect(h.pValue).toBeGreaterThan(0.015);
    expect(h.pValue).toBeLessThan(0.03);
  });

  it('reads the half-width on the side of the truth, so a lopsided interval is judged where it missed', () => {
    // Truth above the estimate: the upper side (1 point) counts, not the lower (10 points).
    const h = intervalHonesty([
      { truthPct: 0, estimatePct: -1, ciLowPct: -11, ciHighPct: 0 },
      { truthPct: 0, estimatePct: -1, ciLowPct: -11, ciHighPct: 0 },
    ])!;
    // One side-width from the truth each: 1.96 standard errors, where the lower side would say ~0.2.
    expect(h.scale).toBeCloseTo(Z_ALPHA, 9);
  });

  it('honest intervals score about 1 and are not flagged; intervals 2.5x too narrow score about 2.5 and are', () => {
    const honest = intervalHonesty(intervals(2000, 0.01, 0.01, 7))!;
    expect(honest.scale).toBeGreaterThan(0.95);
    expect(honest.scale).toBeLessThan(1.05);
    expect(honest.pValue).toBeGreaterThan(0.01);
    const narrow = intervalHonesty(intervals(2000, 0.01, 0.025, 7))!;
    expect(narrow.scale).toBeGreaterThan(2.4);
    expect(narrow.scale).toBeLessThan(2.6);
    expect(narrow.pValue).toBeLessThan(0.001);
  });

  it('false alarms at about the 5% it promises over many small honest calibrations (6 intervals each)', () => {
    let flagged = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) if (intervalHonesty(intervals(6, 0.01, 0.01, 1000 + t))!.pValue < 0.05) flagged++;
    expect(flagged / trials).toBeGreaterThan(0.03);
    expect(flagged / trials).toBeLessThan(0.07);
  });

  it('an estimate on its interval\'s edge, with the truth beyond it, is still counted, by the other side', () => {
    const edge = { truthPct: 0, estimatePct: -1, ciLowPct: -2, ciHighPct: -1 };
    const h = intervalHonesty([edge, edge])!;
    expect(h.n).toBe(2);
    expect(h.scale).toBeGreaterThan(1.9);
    // No width on either side: nothing to judge.
    expect(intervalHonesty([{ truthPct: 0, estimatePct: 1, ciLowPct: 1, ciHighPct: 1 }, edge])).toBeNull();
  });

  it('needs two intervals', () => {
    expect(intervalHonesty(intervals(1, 0.01, 0.01, 1))).toBeNull();
    expect(intervalHonesty([])).toBeNull();
  });
});

describe('pairLuckSd and mdeWithPairLuckPct', () => {
  // An interval of +-z*se around its estimate, in log-ratio, with truth 0.
  const known = (missLog: number, se: number): KnownTruth => ({
    truthPct: 0,
    estimatePct: logToPct(missLog),
    ciLowPct: logToPct(missLog - Z_ALPHA * se),
    ciHighPct: logToPct(missLog + Z_ALPHA * se),
  });

  it('is the miss the intervals cannot explain: sqrt(mean(miss^2 - se^2)), floored at 0', () => {
    // Misses of 0.03 with standard errors of 0.01: 0.0009 - 0.0001 per interval.
    expect(pairLuckSd([known(0.03, 0.01), known(-0.03, 0.01)])).toBeCloseTo(Math.sqrt(0.0008), 12);
    // Misses smaller than the intervals' own noise leave no luck, not a negative one.
    expect(pairLuckSd([known(0.001, 0.01), known(-0.002, 0.01)])).toBe(0);
    expect(pairLuckSd([known(0.03, 0.01)])).toBeNull();
  });

  it("over P pairs per interval, the miss carries the luck of their mean: one pair's is sqrt(P) times it", () => {
    expect(pairLuckSd([known(0.03, 0.01), known(-0.03, 0.01)], 4)).toBeCloseTo(2 * Math.sqrt(0.0008), 12);
    // And the MDE of P pairs counts that luck over sqrt(P): one pair's 2% over 4 pairs is one pair's 1%.
    expect(mdeWithPairLuckPct(2, 0.02, 4)).toBeCloseTo(mdeWithPairLuckPct(2, 0.01), 12);
  });

  it('adds the luck to the MDE in quadrature, as (z + z) * luck', () => {
    const rounds = 2; // percent
    const luck = 0.01;
    expect(mdeWithPairLuckPct(rounds, luck)).toBeCloseTo(logToPct(Math.hypot(pctToLog(2), (Z_ALPHA + Z_POWER) * 0.01)), 12);
    expect(mdeWithPairLuckPct(rounds, 0)).toBeCloseTo(2, 12);
  });
});
