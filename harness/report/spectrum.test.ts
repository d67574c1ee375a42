import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram } from '../driver/histogram.ts';
import type { WindowResult } from '../result/schema.ts';
import { MAX_NINES, ninesToPercentile, spectrumOf } from './spectrum.ts';

function window(variant: WindowResult['variant'], values: number[], valid = true): WindowResult {
  const h = newHistogram();
  for (const v of values) h.recordValue(v);
  return {
    round: 0, variant, order: 0, requests: values.length, errors: 0, throughput: 1, latencyUs: null, histogram: encodeHistogram(h),
    cpuUs: null, cpuPerRequestUs: null, rssBytes: null, driverCpuPct: null, valid,
  };
}

describe('spectrumOf', () => {
  it('maps nines to percentiles: 0 -> p0, 1 -> p90, 2 -> p99, 5 -> p99.999', () => {
    expect([0, 1, 2, 5].map((n) => Number(ninesToPercentile(n).toFixed(6)))).toEqual([0, 90, 99, 99.999]);
  });

  it('merges the histograms of valid rounds of one variant (never averages percentiles)', () => {
    const lows = Array.from({ length: 1000 }, (_, i) => 1000 + i); // 1.000-1.999 ms
    const highs = Array.from({ length: 1000 }, (_, i) => 100_000 + i * 10); // 100-110 ms
    const s = spectrumOf([window('baseline', lows), window('baseline', highs), window('baseline', [9_000_000], false), window('instrumented', [5])], 'baseline')!;
    expect(s.count).toBe(2000);
    expect(s.nines[0]).toBe(0);
    expect(s.nines.at(-1)).toBe(MAX_NINES);
    // p50 of the merged histogram sits between the two populations, p90 inside the slow one
    const at = (n: number) => s.latencyUs[s.nines.indexOf(n)];
    expect(at(0.3)).toBeLessThan(2_100); // p49.9
    expect(at(1)).toBeGreaterThan(100_000);
    expect(s.maxUs).toBeLessThan(120_000); // the invalid round's 9 s stall is excluded
    for (let i = 1; i < s.latencyUs.length; i++) expect(s.latencyUs[i]).toBeGreaterThanOrEqual(s.latencyUs[i - 1]);
  });

  it('is null when no valid round carries a histogram', () => {
    expect(spectrumOf([{ ...window('baseline', [1]), histogram: null }], 'baseline')).toBeNull();
    expect(spectrumOf([window('baseline', [1], false)], 'baseline')).toBeNull();
  });
});
