import { describe, expect, it } from 'vitest';
import { LogHistogram } from './log-histogram.ts';
import { build } from 'hdr-histogram-js';
import { summarizeValues } from './summarize.ts';

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

  it('the count (summed up to the bucket of max) equals the sum of every bucket', () => {
    const h = new LogHistogram();
    expect(h.summary().count).toBe(0);
    for (const v of [0, 3, 255, 256, 70_000, 5, 2 ** 31 - 1, 1e12, 9]) {
      h.record(v);
      expect(h.summary().count).toBe(h.counts.reduce((a, c) => a + c, 0));
    }
    expect(h.summary().count).toBe(9);
  });

  it('summary: nearest-rank percentiles read off the buckets, exact below 256 and within a bucket above', () => {
    const h = new LogHistogram();
    expect(h.summary()).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0 });
    // below 256 every bucket is one value wide: the summary is the exact nearest rank
    const small = Array.from({ length: 200 }, (_, i) => (i * 37) % 250);
    for (const v of small) h.record(v);
    expect(h.summary()).toEqual(summarizeValues(small));

    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const wide = new LogHistogram();
    const values: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const v = Math.floor(Math.exp(2 + random() * 12));
      values.push(v);
      wide.record(v);
    }
    const s = wide.summary();
    const exact = summarizeValues(values);
    expect(s.count).toBe(50_000);
    expect(s.max).toBe(exact.max);
    for (const q of ['p50', 'p95', 'p99'] as const) {
      expect(Math.abs(s[q] - exact[q]) / exact[q]).toBeLessThan(1 / 128); // within its bucket
    }
  });

  it('clamps what it cannot index and counts it', () => {
    const h = new LogHistogram();
    h.record(-5);
    h.record(Number.NaN);
    h.record(1e12);
    expect(h.summary().count).toBe(3);
    expect(h.max).toBe(2 ** 31 - 1);
  });

  it('re-buckets an hdr-histogram-js histogram (early versions\' flushes): the same count and max, values within 1/128', () => {
    const hdr = build({ bitBucketSize: 32, autoResize: true, numberOfSignificantValueDigits: 3, useWebAssembly: false });
    const values: number[] = [];
    for (let v = 1; v <= 100_000; v += 7) {
      hdr.recordValue(v);
      values.push(v);
    }
    const h = LogHistogram.fromHdr(hdr);
    const s = h.summary();
    const exact = summarizeValues(values);
    expect(s.count).toBe(values.length);
    expect(s.max).toBe(hdr.maxValue);
    for (const q of ['p50', 'p95', 'p99'] as const) expect(Math.abs(s[q] / exact[q] - 1)).toBeLessThan(1 / 128);
  });

  it('adds another histogram bucket for bucket: the sum summarizes as one histogram of both', () => {
    const a = new LogHistogram();
    const b = new LogHistogram();
    const both = new LogHistogram();
    for (let i = 0; i < 3000; i++) {
      const v = (i * 7919) % 90_000;
      (i % 3 === 0 ? a : b).record(v);
      both.record(v);
    }
    b.record(5_000_000);
    both.record(5_000_000);
    a.add(b);
    expect(a.counts).toEqual(both.counts);
    expect(a.summary()).toEqual(both.summary());
  });

  it('encodes to text and back: the same buckets and max, so the same percentiles', () => {
    const h = new LogHistogram();
    expect(LogHistogram.decode(h.encode())!.summary().count).toBe(0);
    for (let i = 0; i < 5000; i++) h.record(Math.floor((i * 7919) % 250_000) + (i % 3));
    h.record(2 ** 31 - 1);
    const back = LogHistogram.decode(h.encode())!;
    expect(back.counts).toEqual(h.counts);
    expect(back.max).toBe(h.max);
    expect(back.summary()).toEqual(h.summary());
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

