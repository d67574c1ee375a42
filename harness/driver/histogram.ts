import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../result/schema.ts';

/**
 * Latency histograms in MICROSECONDS, 3 significant digits, from 1 us up; they auto-resize past
 * the initial 60 s ceiling rather than throw on a pathological stall.
 * The JS implementation, not wasm. Measured (`npx tsx harness/bench/histogram-bench.ts`, busy
 * 2-core machine): recordValue ~150 ns in JS, ~40 ns in wasm (which does work under tsx). The driver
 * records once per request (per tool; the overall histogram is summed at the window's end), so
 * the ~0.1 us difference is about 1% of a round trip against the fastest target, while wasm
 * histograms live outside the JS heap and must be destroy()ed by hand: not worth the leak risk.
 */
export type { Histogram };

const HIGHEST_US = 60_000_000;

export function newHistogram(): Histogram {
  return build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

export function decodeHistogram(s: string): Histogram {
  const h = decodeFromCompressedBase64(s, 32, false);
  h.autoResize = true;
  return h;
}

/** Sum of histograms from several windows or processes: percentiles are never averaged. */
export function mergeEncoded(list: readonly string[]): Histogram {
  const out = newHistogram();
  for (const s of list) out.add(decodeHistogram(s));
  return out;
}

/**
 * p50/p95/p99/p99.9/max/mean in microseconds; all zero for an empty histogram. `max` is the top
 * of the highest bucket (as p100), not the exact value recorded, so a histogram and its encoded
 * copy or a merge of its parts summarise identically.
 */
export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { p50: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    p50: h.getValueAtPercentile(50),
    p95: h.getValueAtPercentile(95),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: h.getValueAtPercentile(100),
    mean: h.mean,
  };
}
