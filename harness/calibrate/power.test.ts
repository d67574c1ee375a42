/** The calibration arithmetic on synthetic rounds: a known spread gives a known MDE, levels and coverage. */
import { describe, expect, it } from 'vitest';
import { burnLevels, covers, expectedPct, sdFromHalfWidths, logToPct, mde, mdePct, pctToLog, pooledSd, roundsFor, Z_ALPHA, Z_POWER } from './power.ts';

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
