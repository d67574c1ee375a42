import { describe, expect, it } from 'vitest';
import { combineCopies, emptyRaw, medianInterval, summarizePairs, timePair, timePairs, type PairSummary, type Side } from './paired.ts';

/** A clock that only moves when a fake batch says so: costs are exact, nothing is timed. */
function virtualClock() {
  let t = 1_000;
  return { now: () => t, advance: (ns: number) => void (t += ns) };
}

/** A side whose batch of n costs overhead + n x perOp virtual ns, its empty batch the overhead. */
function fakeSide(clock: ReturnType<typeof virtualClock>, n: number, perOp: number, overhead: number, log?: string[], name = ''): Side {
  return {
    batch: () => {
      log?.push(name);
      clock.advance(overhead + n * perOp);
    },
    empty: () => {
      log?.push(`empty ${name}`);
      clock.advance(overhead);
    },
  };
}

describe('paired timing', () => {
  it('alternates ABBA: A first on even pairs, B first on odd ones, each beside its empty batch', () => {
    const clock = virtualClock();
    const log: string[] = [];
    const raw = timePairs(fakeSide(clock, 10, 1, 5, log, 'A'), fakeSide(clock, 10, 2, 5, log, 'B'), 10, 3, clock.now);
    expect(log).toEqual([
      'empty A', 'A', 'B', 'empty B',
      'empty B', 'B', 'A', 'empty A',
      'empty A', 'A', 'B', 'empty B',
    ]);
    expect(raw.a).toEqual([15, 15, 15]);
    expect(raw.emptyB).toEqual([5, 5, 5]);
  });

  it('subtracts the median empty batch and divides by the batch: per-op costs, their ratio and difference exactly', () => {
    const clock = virtualClock();
    const n = 1000;
    const raw = timePairs(fakeSide(clock, n, 3, 700, undefined), fakeSide(clock, n, 3.06, 900, undefined), n, 9, clock.now);
    const s = summarizePairs(raw);
    expect(s.aNs).toBeCloseTo(3, 12);
    expect(s.bNs).toBeCloseTo(3.06, 12);
    expect(s.emptyA).toBe(700);
    expect(s.emptyB).toBe(900); // each side's own empty batch, not the other's
    expect(s.ratio).toBeCloseTo(1.02, 12);
    expect(s.deltaNs).toBeCloseTo(0.06, 12);
    expect(s.sdPct).toBeCloseTo(0, 9);
    expect(s.lowPct).toBeCloseTo(2, 9);
    expect(s.highPct).toBeCloseTo(2, 9);
    expect(s.pairs).toBe(9);
  });

  it('takes the median over pairs: a preempted batch moves neither the ratio nor the difference', () => {
    const raw = emptyRaw(100);
    for (let p = 0; p < 11; p++) {
      raw.a.push(100 * 10);
      raw.b.push(100 * 11 + (p === 4 ? 50_000 : 0)); // one B batch lost the core
      raw.emptyA.push(p === 7 ? 9_000 : 0); // and one empty A batch
      raw.emptyB.push(0);
    }
    const s = summarizePairs(raw);
    expect(s.ratio).toBeCloseTo(1.1, 12);
    expect(s.deltaNs).toBeCloseTo(1, 12);
    expect(s.sdPct).toBeGreaterThan(0); // the spread does show the outlier
  });

  it('timePair appends to the copy it is given (copies interleaved pair by pair)', () => {
    const clock = virtualClock();
    const out = [emptyRaw(1), emptyRaw(1)];
    const sides = [[fakeSide(clock, 1, 1, 0), fakeSide(clock, 1, 2, 0)], [fakeSide(clock, 1, 4, 0), fakeSide(clock, 1, 8, 0)]] as const;
    for (let p = 0; p < 4; p++) for (const [i, [a, b]] of sides.entries()) timePair(a, b, p, clock.now, out[i]);
    expect(out[0].a).toEqual([1, 1, 1, 1]);
    expect(out[1].b).toEqual([8, 8, 8, 8]);
  });
});

describe('median interval (order statistics)', () => {
  it('brackets the median with ranks m/2 -+ 0.98 sqrt(m)', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i);
    expect(medianInterval(xs)).toEqual([40, 59]);
    expect(medianInterval([7])).toEqual([7, 7]);
    const [lo, hi] = medianInterval(Array.from({ length: 9 }, (_, i) => i));
    expect(lo).toBeLessThanOrEqual(4);
    expect(hi).toBeGreaterThanOrEqual(4);
    expect(medianInterval([]).every(Number.isNaN)).toBe(true);
  });
});

describe('combining module copies', () => {
  const copy = (ratio: number, halfPct: number, extra: Partial<PairSummary> = {}): PairSummary => ({
    aNs: 100, bNs: 100 * ratio, emptyA: 10, emptyB: 12, ratio, deltaNs: 100 * (ratio - 1), sdPct: 5,
    lowPct: (ratio * Math.exp(-halfPct / 100) - 1) * 100, highPct: (ratio * Math.exp(halfPct / 100) - 1) * 100, pairs: 50, ...extra,
  });

  it('is the Hodges-Lehmann centre of the copies\' ln(ratio) (for two, their mean), with their spread and an interval from their pairs', () => {
    const c = combineCopies([copy(1.02, 1), copy(1.04, 1)]);
    expect(c.ratio).toBeCloseTo(Math.sqrt(1.02 * 1.04), 12);
    expect(c.deltaNs).toBeCloseTo(3, 12);
    expect(c.pairs).toBe(100);
    expect(c.copies).toBe(2);
    const logs = [Math.log(1.02), Math.log(1.04)];
    expect(c.copySdPct).toBeCloseTo((Math.abs(logs[0] - logs[1]) / Math.SQRT2) * 100, 9);
    // each copy known to +-1% in log terms: the mean of two to +-1/sqrt(2)%
    const meanLog = (logs[0] + logs[1]) / 2;
    expect(Math.log1p(c.highPct / 100) - meanLog).toBeCloseTo(0.01 / Math.SQRT2, 9);
    expect(meanLog - Math.log1p(c.lowPct / 100)).toBeCloseTo(0.01 / Math.SQRT2, 9);
  });

  it('a copy that drew bad luck moves the estimate little, where the mean would move by its share', () => {
    const xs = [1.02, 1.021, 1.019, 1.02, 1.022, 1.1].map((r) => copy(r, 0.2));
    const c = combineCopies(xs);
    const meanLog = xs.reduce((a, x) => a + Math.log(x.ratio), 0) / xs.length;
    expect(Math.abs(Math.log(c.ratio) - Math.log(1.0205))).toBeLessThan(0.003);
    expect(meanLog - Math.log(1.0205)).toBeGreaterThan(0.01);
    // the ns difference is combined the same way
    expect(c.deltaNs).toBeLessThan(2.6);
    expect(c.copySdPct).toBeGreaterThan(2); // the spread does show the lucky copy
  });

  it('passes a single copy through unchanged', () => {
    const one = copy(1.01, 0.5);
    const c = combineCopies([one]);
    expect(c).toMatchObject({ ...one, copies: 1 });
    expect(Number.isNaN(c.copySdPct)).toBe(true);
  });
});
