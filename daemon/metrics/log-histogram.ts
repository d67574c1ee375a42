import type { Histogram } from 'hdr-histogram-js';
import type { StageLatency } from './types.ts';

/**
 * The fast backend's latency recorder: HdrHistogram's own bucket layout (log-linear, 128
 * sub-buckets per power of two, so every value is kept within 1/128 < 0.8%) over an array of doubles,
 * with the index computed by Math.clz32 instead of Math.log2/Math.floor.
 *
 * Why not hdr-histogram-js's recordValue directly: measured on this machine it cost about four
 * times all of a frame's counter increments together (its index goes through floating-point
 * log2, and each record updates min, max and total through several method calls). Here a
 * record is a clamp, two integer ops, one typed-array increment and a max, and allocates nothing.
 * Percentiles are read off the buckets (`summary`), and instances merge bucket for bucket (`add`).
 */
const SUB_BITS = 7; // 128 sub-buckets per half-bucket: 2 significant digits and a bit
const SUB_HALF = 1 << SUB_BITS;
const SUB_MASK = (SUB_HALF << 1) - 1;
/** Values are integer microseconds, clamped to 2^31 - 1 (about 35 minutes). */
export const LOG_HISTOGRAM_MAX = 0x7fffffff;
const BUCKETS = 31 - SUB_BITS; // enough half-buckets to reach 2^31
const LENGTH = (BUCKETS + 1) * SUB_HALF;
/** Marks `encode`'s text (version 1), apart from the compressed HdrHistograms older flushes wrote. */
const ENCODING_TAG = 'lh1;';

/** hdr-histogram-js's iterator over recorded values (JsHistogram's, not on its Histogram type). */
interface HdrIterator {
  reset(): void;
  hasNext(): boolean;
  next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
}

/** The bucket of an integer value in [0, LOG_HISTOGRAM_MAX]. */
function indexOf(v: number): number {
  const bucket = 24 - Math.clz32(v | SUB_MASK); // = floor(log2(v | mask)) - SUB_BITS
  return ((bucket + 1) << SUB_BITS) + (v >>> bucket) - SUB_HALF;
}

/**
 * Bucket counts as a plain array of doubles, not a Float64Array: once anything in the process has
 * detached an ArrayBuffer (tsx's module loader does, so every daemon started with `--import tsx`
 * runs so: `node --trace-protector-invalidation` names the ArrayBufferDetaching protector), each
 * typed-array access also checks its buffer, and a record was ~0.5 ns (15%) dearer. Filled from a
 * double so the array holds unboxed doubles from the start, never small integers that would
 * change kind mid-run.
 */
function zeroDoubles(n: number): number[] {
  const a = Array.from({ length: n }, () => 0.5);
  a.fill(0);
  return a;
}

export class LogHistogram {
  readonly counts: number[] = zeroDoubles(LENGTH);
  max = 0;

  record(value: number): void {
    const v = value >= LOG_HISTOGRAM_MAX ? LOG_HISTOGRAM_MAX : value > 0 ? value | 0 : 0;
    this.counts[indexOf(v)] += 1;
    if (v > this.max) this.max = v;
  }

  /** Lowest value that lands at `index` (the inverse of record's index). */
  static lowestAt(index: number): number {
    const bucket = (index >> SUB_BITS) - 1;
    const sub = (index & (SUB_HALF - 1)) + SUB_HALF;
    return bucket < 0 ? index : sub * 2 ** bucket;
  }

  /**
   * The non-empty buckets as text, `lh1;<max>;<index>:<count>,...` in base 36: what the flush of
   * earlier versions wrote per stage (now it sends changesSince's buckets), kept as the writer of
   * the format `decode` still reads from their instances. Before it, the flush sent a deflated
   * HdrHistogram (~0.3 ms per changed stage per second, flush-bench --stages).
   */
  encode(): string {
    const counts = this.counts;
    const end = indexOf(this.max) + 1;
    let out = `${ENCODING_TAG}${this.max.toString(36)};`;
    for (let i = 0; i < end; i++) if (counts[i] !== 0) out += `${i.toString(36)}:${counts[i].toString(36)},`;
    return out;
  }

  /** The histogram `encode` wrote, or null for any other text. */
  static decode(text: string): LogHistogram | null {
    if (!text.startsWith(ENCODING_TAG)) return null;
    const [max, pairs = ''] = text.slice(ENCODING_TAG.length).split(';');
    const buckets: [number, number][] = [];
    for (const pair of pairs.split(',')) {
      if (pair === '') continue;
      const [i, n] = pair.split(':').map((x) => parseInt(x, 36));
      buckets.push([i, n]);
    }
    return LogHistogram.fromBuckets(parseInt(max, 36), buckets);
  }

  /** A histogram of these (index, count) buckets (counts of one index add up), or null if one is out of range. */
  static fromBuckets(max: number, buckets: Iterable<readonly [number, number]>): LogHistogram | null {
    if (!(max >= 0 && max <= LOG_HISTOGRAM_MAX)) return null;
    const h = new LogHistogram();
    h.max = max;
    for (const [i, n] of buckets) {
      if (!(Number.isInteger(i) && i >= 0 && i < LENGTH && n > 0)) return null;
      h.counts[i] += n;
    }
    return h;
  }

  /** Adds `other`'s counts, bucket for bucket (merging instances: exact, as one histogram of both). */
  add(other: LogHistogram): void {
    const counts = this.counts;
    const end = indexOf(other.max) + 1;
    for (let i = 0; i < end; i++) counts[i] += other.counts[i];
    if (other.max > this.max) this.max = other.max;
  }

  /**
   * An hdr-histogram-js histogram re-bucketed (what instances of early versions flushed, as a
   * compressed HdrHistogram): each recorded value into its bucket here, so within 1/128 of it.
   */
  static fromHdr(h: Histogram): LogHistogram {
    const lh = new LogHistogram();
    const values = (h as unknown as { recordedValuesIterator: HdrIterator }).recordedValuesIterator;
    values.reset();
    while (values.hasNext()) {
      const { valueIteratedTo, countAtValueIteratedTo } = values.next();
      lh.counts[indexOf(Math.min(valueIteratedTo, LOG_HISTOGRAM_MAX))] += countAtValueIteratedTo;
    }
    lh.max = Math.min(h.maxValue, LOG_HISTOGRAM_MAX);
    return lh;
  }

  /** Bucket counts, all zero: what a flush keeps of what Redis already holds (see changesSince). */
  static emptyCounts(): number[] {
    return zeroDoubles(LENGTH);
  }

  /**
   * The buckets that grew since `base` (what Redis holds), as `<index>:<delta>,...` in decimal, for
   * the flush script's HINCRBY; '' when none grew. Each (index, delta) is also pushed on `sent`, so
   * that the caller advances `base` only once Redis acknowledged (records go on meanwhile).
   * Why not `encode` every flush: the histograms are cumulative, so where latencies spread wide
   * (provider-slow's 800 ms median and 4 s p99) every flush re-sent every bucket that ever held a
   * count, ~8 KB per stage once filled and ~0.4 ms of CPU per flush for six stages; the changed
   * buckets are what a second's requests touched.
   */
  changesSince(base: number[], sent: number[]): string {
    const counts = this.counts;
    const end = indexOf(this.max) + 1;
    let out = '';
    for (let i = 0; i < end; i++) {
      const d = counts[i] - base[i];
      if (d === 0) continue;
      out += `${i}:${d},`;
      sent.push(i, d);
    }
    return out;
  }

  /**
   * Count, nearest-rank p50/p95/p99 (the definition summarizeValues and HdrHistogram use) and max,
   * each percentile the middle of its bucket (never above max), so within 1/256 of the value.
   * ~0.1 ms for six stages. Summarizing an hdr-histogram-js copy, as before, cost ~0.4 ms per stage
   * warm (a snapshot of six: 2.7 ms, 32 ms on its first call), and the Supabase roll-up summarizes
   * every interval: in `cluster` that was ~4 ms of each instance's CPU per roll-up (NOTEBOOK.md,
   * "thirteenth session").
   */
  summary(): StageLatency {
    // the count is summed here, not kept, so a record is one increment fewer; over the buckets up
    // to max's only (none above holds a count)
    const counts = this.counts;
    const end = indexOf(this.max) + 1;
    let count = 0;
    for (let i = 0; i < end; i++) count += counts[i];
    if (count === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
    const ranks = [0.5, 0.95, 0.99].map((q) => Math.max(1, Math.ceil(q * count)));
    const values = [this.max, this.max, this.max];
    let seen = 0;
    let r = 0;
    for (let i = 0; i < end && r < ranks.length; i++) {
      seen += counts[i];
      while (r < ranks.length && seen >= ranks[r]) values[r++] = Math.min(LogHistogram.middleOf(i), this.max);
    }
    return { count, p50: values[0], p95: values[1], p99: values[2], max: this.max };
  }

  /** The value that stands for bucket `index`: its middle. */
  private static middleOf(index: number): number {
    const low = LogHistogram.lowestAt(index);
    return low + Math.floor((LogHistogram.lowestAt(index + 1) - low) / 2);
  }

}
