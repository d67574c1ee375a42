/**
 * Paired, interleaved timing inside one process (Node core's benchmark/compare.js alternates
 * binaries; here two copies of the daemon's code alternate batch by batch). Each pair times a
 * batch of `n` operations on side A (none) and on side B (a backend) back to back, in ABBA order
 * (A,B then B,A) so a drift of the machine's speed hits both sides alike. An empty batch (n = 0:
 * the call, the loop set-up, the clock reads) is timed beside every pair and its median is
 * subtracted. Plain clock reads around a whole batch, no per-iteration harness cost.
 *
 * The arithmetic (summarizePairs) is separate from the clock so that it can be tested exactly.
 */
import { median as medianOrNull } from '../stats/compare.ts';
import { hodgesLehmann } from '../stats/hodges-lehmann.ts';

export type NowNs = () => number;
export type TightClock = 'cpu' | 'wall';

/**
 * 'cpu': the process's CPU time (getrusage, 1 us steps): time another process held the core is
 * not charged, which matters on a shared machine; batches are sized to hundreds of us so the
 * step is < 0.5% of a batch. It counts the process's other threads (a concurrent JIT compile, GC
 * helpers) too: costs the workload causes, and outliers the per-pair median sets aside.
 * 'wall': process.hrtime.bigint().
 */
export const CLOCKS: Record<TightClock, NowNs> = {
  cpu: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) * 1000;
  },
  wall: () => Number(process.hrtime.bigint()),
};

export interface Side {
  /** Runs `n` operations (n fixed when the batch was made). */
  batch: () => unknown;
  /** The same compiled loop with zero operations. */
  empty: () => unknown;
}

export interface RawPairs {
  /** Gross ns of each timed batch, per pair. */
  a: number[];
  b: number[];
  /** Gross ns of each empty batch. */
  emptyA: number[];
  emptyB: number[];
  n: number;
}

function timeOnce(fn: () => unknown, now: NowNs): number {
  const t0 = now();
  fn();
  return now() - t0;
}

/** Alternate both sides for about `ms` of the clock (JIT tiers, caches), nothing recorded. */
export function warmUp(a: Side, b: Side, ms: number, now: NowNs): void {
  const until = now() + ms * 1e6;
  for (let i = 0; i < 1_000_000 && now() < until; i++) {
    a.batch();
    b.batch();
    a.empty();
    b.empty();
  }
}

export function emptyRaw(n: number): RawPairs {
  return { a: [], b: [], emptyA: [], emptyB: [], n };
}

/** Pair number `p` into `out`: A then B when p is even, B then A when odd (ABBA), each with its empty batch. */
export function timePair(a: Side, b: Side, p: number, now: NowNs, out: RawPairs): void {
  if (p % 2 === 0) {
    out.emptyA.push(timeOnce(a.empty, now));
    out.a.push(timeOnce(a.batch, now));
    out.b.push(timeOnce(b.batch, now));
    out.emptyB.push(timeOnce(b.empty, now));
  } else {
    out.emptyB.push(timeOnce(b.empty, now));
    out.b.push(timeOnce(b.batch, now));
    out.a.push(timeOnce(a.batch, now));
    out.emptyA.push(timeOnce(a.empty, now));
  }
}

/** `pairs` pairs in ABBA order, each with both empty batches; `beforePair` runs untimed before each. */
export function timePairs(a: Side, b: Side, n: number, pairs: number, now: NowNs, beforePair: () => void = () => {}): RawPairs {
  const out = emptyRaw(n);
  for (let p = 0; p < pairs; p++) {
    beforePair();
    timePair(a, b, p, now, out);
  }
  return out;
}

export interface PairSummary {
  /** Net ns per operation, median over pairs. */
  aNs: number;
  bNs: number;
  emptyA: number;
  emptyB: number;
  /** exp(median ln(b/a)) over pairs where both nets are positive; NaN when none is. */
  ratio: number;
  /** Median over pairs of (b - a) net ns per operation. */
  deltaNs: number;
  /** sd over pairs of 100 ln(b/a). */
  sdPct: number;
  /** Distribution-free 95% interval of the median change (percent), from order statistics. */
  lowPct: number;
  highPct: number;
  pairs: number;
}

/** NaN for no values, so an empty side reads as "not measured" in the arithmetic below. */
const median = (xs: readonly number[]): number => medianOrNull(xs) ?? Number.NaN;

function sd(xs: readonly number[]): number {
  if (xs.length < 2) return Number.NaN;
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
}

/**
 * The 95% interval of a median without assuming a distribution: the order statistics at ranks
 * m/2 -+ 0.98 sqrt(m) (the binomial(m, 1/2) normal approximation). Sorted input.
 */
export function medianInterval(sorted: readonly number[]): [number, number] {
  const m = sorted.length;
  if (m === 0) return [Number.NaN, Number.NaN];
  const half = 0.98 * Math.sqrt(m);
  const lo = Math.max(0, Math.floor(m / 2 - half));
  const hi = Math.min(m - 1, Math.ceil(m / 2 + half) - 1);
  return [sorted[lo], sorted[Math.max(lo, hi)]];
}

export function summarizePairs(raw: RawPairs): PairSummary {
  const eA = median(raw.emptyA);
  const eB = median(raw.emptyB);
  const n = Math.max(1, raw.n);
  const netA = raw.a.map((t) => (t - eA) / n);
  const netB = raw.b.map((t) => (t - eB) / n);
  const logs: number[] = [];
  const deltas: number[] = [];
  for (let p = 0; p < netA.length; p++) {
    deltas.push(netB[p] - netA[p]);
    if (netA[p] > 0 && netB[p] > 0) logs.push(Math.log(netB[p] / netA[p]));
  }
  const sorted = [...logs].sort((x, y) => x - y);
  const [lo, hi] = medianInterval(sorted);
  const toPct = (l: number) => (Math.exp(l) - 1) * 100;
  return {
    aNs: median(netA), bNs: median(netB), emptyA: eA, emptyB: eB,
    ratio: logs.length > 0 ? Math.exp(median(logs)) : Number.NaN,
    deltaNs: median(deltas),
    sdPct: sd(logs) * 100,
    lowPct: toPct(lo), highPct: toPct(hi),
    pairs: netA.length,
  };
}

export interface CopiesSummary extends PairSummary {
  /** sd over copies of 100 ln(ratio): the copies' own luck (code and data placement, JIT) plus their pairs' noise. */
  copySdPct: number;
  copies: number;
}

/**
 * Several (none, backend) copy pairs in one process. Each copy draws its own JIT and layout luck,
 * and that luck, not the pairs' noise, is most of a process's error: on the 2-core machine a copy's
 * ratio is known to 0.1-0.3% from its pairs, while copies of one process spread by 1-2% (sd), and one
 * copy in ten or so lands 4-8% away (one side's code came out slow). So the process's estimate
 * is the Hodges-Lehmann centre of its copies' ln(ratio) (and of their ns differences): a copy
 * that drew bad luck moves it little, and since none's and the backend's copies draw luck alike,
 * the copies' ln(ratio) are symmetric about the true one, whose centre is then also their mean.
 * The within-process interval is that centre -+ 1.96 x the standard error of the copies' pairs
 * alone (each copy's median interval, its half-width / 1.96, in quadrature / C): the pairs'
 * noise, not the copies' luck, which copySdPct shows.
 */
export function combineCopies(xs: readonly PairSummary[]): CopiesSummary {
  const c = xs.length;
  if (c === 1) return { ...xs[0], copySdPct: Number.NaN, copies: 1 };
  const mean = (f: (x: PairSummary) => number) => xs.reduce((a, x) => a + f(x), 0) / c;
  const logs = xs.map((x) => Math.log(x.ratio));
  const centre = hodgesLehmann(logs);
  const se = Math.sqrt(xs.reduce((a, x) => a + ((Math.log1p(x.highPct / 100) - Math.log1p(x.lowPct / 100)) / (2 * 1.96)) ** 2, 0)) / c;
  const toPct = (l: number) => (Math.exp(l) - 1) * 100;
  return {
    aNs: mean((x) => x.aNs), bNs: mean((x) => x.bNs), emptyA: mean((x) => x.emptyA), emptyB: mean((x) => x.emptyB),
    ratio: Math.exp(centre), deltaNs: hodgesLehmann(xs.map((x) => x.deltaNs)),
    sdPct: median(xs.map((x) => x.sdPct)),
    lowPct: toPct(centre - 1.96 * se), highPct: toPct(centre + 1.96 * se),
    pairs: xs.reduce((a, x) => a + x.pairs, 0),
    copySdPct: sd(logs) * 100,
    copies: c,
  };
}
