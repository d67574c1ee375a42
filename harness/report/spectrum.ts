import { mergeEncoded } from '../driver/histogram.ts';
import type { WindowResult } from '../result/schema.ts';

/** Highest "nines" drawn: 5 = the 99.999th percentile. */
export const MAX_NINES = 5;

export interface Spectrum {
  /** x: nines, -log10(1 - p/100): 0 = p0, 1 = p90, 2 = p99 ... */
  nines: number[];
  /** y: latency in microseconds at that percentile. */
  latencyUs: number[];
  count: number;
  maxUs: number;
}

export const ninesToPercentile = (n: number) => 100 * (1 - 10 ** -n);

/**
 * The HdrHistogram percentile spectrum of one variant, merged over its valid rounds (histograms
 * are summed, never percentiles averaged). Null when no valid round carried a histogram.
 */
export function spectrumOf(rounds: readonly WindowResult[], variant: WindowResult['variant'], steps = 100): Spectrum | null {
  const encoded = rounds.filter((r) => r.valid && r.variant === variant && r.histogram).map((r) => r.histogram as string);
  if (encoded.length === 0) return null;
  const h = mergeEncoded(encoded);
  if (h.totalCount === 0) return null;
  const nines: number[] = [];
  const latencyUs: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const n = (MAX_NINES * i) / steps;
    nines.push(Number(n.toFixed(4)));
    latencyUs.push(h.getValueAtPercentile(ninesToPercentile(n)));
  }
  return { nines, latencyUs, count: h.totalCount, maxUs: h.maxValue };
}
