import { describe, expect, it } from 'vitest';
import { createRng } from '../../common/latency.ts';
import { decodeHistogram, encodeHistogram, mergeEncoded, newHistogram, summarize } from './histogram.ts';

describe('latency histograms (us)', () => {
  it('survive encode/decode with every count and percentile', () => {
    const h = newHistogram();
    const rng = createRng(1);
    for (let i = 0; i < 10_000; i++) h.recordValue(Math.floor(50 + rng() * 200_000));
    h.recordValue(60_000_000); // a 60 s stall stays in range
    h.recordValue(1);
    const back = decodeHistogram(encodeHistogram(h));
    expect(back.totalCount).toBe(h.totalCount);
    expect(summarize(back)).toEqual(summarize(h));
    expect(summarize(back).max).toBeGreaterThanOrEqual(59_000_000);
  });

  it('keep 3 significant digits', () => {
    const h = newHistogram();
    h.recordValue(123_456);
    const p = summarize(h).p50;
    expect(Math.abs(p - 123_456) / 123_456).toBeLessThan(0.001);
  });

  it('auto-resize beyond the 60 s ceiling instead of throwing', () => {
    const h = newHistogram();
    h.recordValue(600_000_000);
    expect(h.totalCount).toBe(1);
  });

  it('merge to the same counts and percentiles as recording everything into one', () => {
    const rng = createRng(7);
    const all = newHistogram();
    const parts = [newHistogram(), newHistogram(), newHistogram()];
    for (let i = 0; i < 30_000; i++) {
      // three different shapes, so averaging percentiles would be visibly wrong
      const part = i % 3;
      const v = part === 0 ? 100 + rng() * 100 : part === 1 ? 1_000 + rng() * 9_000 : 500_000 + rng() * 500_000;
      parts[part].recordValue(Math.floor(v));
      all.recordValue(Math.floor(v));
    }
    const merged = mergeEncoded(parts.map(encodeHistogram));
    expect(merged.totalCount).toBe(parts.reduce((s, p) => s + p.totalCount, 0));
    expect(summarize(merged)).toEqual(summarize(all));
  });

  it('summarise an empty histogram as zeros, and merge of nothing is empty', () => {
    expect(summarize(newHistogram())).toEqual({ p50: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 });
    expect(mergeEncoded([]).totalCount).toBe(0);
    expect(decodeHistogram(encodeHistogram(newHistogram())).totalCount).toBe(0);
  });
});
