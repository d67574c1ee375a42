import { describe, expect, it } from 'vitest';
import { LogHistogram } from './log-histogram.ts';

describe('LogHistogram', () => {
  it('indexes every value to the bucket holding it (within 1/128)', () => {
    const h = new LogHistogram();
    const probe = [0, 1, 2, 127, 128, 255, 256, 257, 1000, 4095, 65_536, 1_000_000, 123_456_789, 2 ** 31 - 1];
    for (const v of probe) {
      const before = Float64Array.from(h.counts);
      h.record(v);
      const idx = h.counts.findIndex((c, i) => c !== before[i]);
      const low = LogHistogram.lowestAt(idx);
      const high = LogHistogram.lowestAt(idx + 1);
      expect(low).toBeLessThanOrEqual(v);
      expect(high).toBeGreaterThan(v);
      // small values are exact (bucket width 1); from 256 up the width is at most v/128
      if (v < 256) expect(high - low).toBe(1);
      else expect((high - low) / v).toBeLessThanOrEqual(1 / 128 + 1e-9);
    }
  });

  it('totalCount (summed up to the bucket of max) equals the sum of every bucket', () => {
    const h = new LogHistogram();
    expect(h.totalCount).toBe(0);
    for (const v of [0, 3, 255, 256, 70_000, 5, 2 ** 31 - 1, 1e12, 9]) {
      h.record(v);
      expect(h.totalCount).toBe(h.counts.reduce((a, c) => a + c, 0));
    }
    expect(h.totalCount).toBe(9);
  });

  it('clamps what it cannot index and counts it', () => {
    const h = new LogHistogram();
    h.record(-5);
    h.record(Number.NaN);
    h.record(1e12);
    expect(h.totalCount).toBe(3);
    expect(h.max).toBe(2 ** 31 - 1);
  });

  it('converts to an hdr-histogram-js histogram with the same count and close percentiles', () => {
    const h = new LogHistogram();
    for (let v = 1; v <= 100_000; v++) h.record(v);
    const hdr = h.toHdr();
    expect(hdr.totalCount).toBe(100_000);
    expect(Math.abs(hdr.getValueAtPercentile(50) / 50_000 - 1)).toBeLessThan(0.01);
    expect(Math.abs(hdr.getValueAtPercentile(99) / 99_000 - 1)).toBeLessThan(0.01);
    expect(hdr.maxValue).toBeLessThanOrEqual(100_000 * 1.001);
  });

  it('encodes to text and back: the same buckets and max, so the same percentiles', () => {
    const h = new LogHistogram();
    expect(LogHistogram.decode(h.encode())!.totalCount).toBe(0);
    for (let i = 0; i < 5000; i++) h.record(Math.floor((i * 7919) % 250_000) + (i % 3));
    h.record(2 ** 31 - 1);
    const back = LogHistogram.decode(h.encode())!;
    expect(back.counts).toEqual(h.counts);
    expect(back.max).toBe(h.max);
    const a = h.toHdr();
    const b = back.toHdr();
    for (const q of [50, 95, 99, 99.9]) expect(b.getValueAtPercentile(q)).toBe(a.getValueAtPercentile(q));
    // a compressed HdrHistogram (what older flushes wrote) or garbage is not taken for one
    expect(LogHistogram.decode('HISTFAAAACR4nJNpmSzMwMDAzAABMBoEGBkYGBgZGRkZGRkZGRgYGRgYAEjQAy8=')).toBeNull();
    expect(LogHistogram.decode('lh1;zz;5:-1,')).toBeNull();
  });

  it('changesSince: the buckets that grew since a base, as text and as (index, delta) pairs; advancing the base leaves nothing', () => {
    const h = new LogHistogram();
    const base = LogHistogram.emptyCounts();
    expect(h.changesSince(base, [])).toBe('');
    for (const v of [5, 5, 300, 4_000_000]) h.record(v);
    const sent: number[] = [];
    const text = h.changesSince(base, sent);
    const i5 = h.counts.indexOf(2);
    expect(text.split(',').filter(Boolean)).toHaveLength(3);
    expect(text).toContain(`${i5}:2,`);
    for (let i = 0; i < sent.length; i += 2) base[sent[i]] += sent[i + 1];
    expect(h.changesSince(base, [])).toBe('');
    h.record(300);
    expect(h.changesSince(base, [])).toBe(`${h.counts.findIndex((n, i) => n !== base[i])}:1,`);
    // the buckets rebuild the histogram
    const back = LogHistogram.fromBuckets(h.max, text.split(',').filter(Boolean).map((p) => p.split(':').map(Number) as [number, number]))!;
    back.record(300);
    expect(back.counts).toEqual(h.counts);
    expect(LogHistogram.fromBuckets(h.max, [[1e6, 1]])).toBeNull();
    expect(LogHistogram.fromBuckets(-1, [])).toBeNull();
  });
});

