import { DEFAULT_ALPHA, normalQuantile } from './bootstrap.ts';

/**
 * The Hodges-Lehmann estimate of a paired shift and its distribution-free interval (Hollander &
 * Wolfe, "Nonparametric Statistical Methods", 3.2-3.3): the estimate is the median of the Walsh
 * averages (x_i + x_j) / 2, i <= j, and the 1 - alpha interval runs between the C-th smallest and
 * the C-th largest of them, C taken from the null law of Wilcoxon's signed-rank statistic.
 *
 * Why for the realistic gate: two identical daemons measured side by side agree within ~2% in
 * most windows, but now and then one of them has a window 30-45% dearer (a background compile or
 * a major GC landing in a 1 s window; README, "How a verdict is reached"). The mean of 12 rounds
 * moves by 3-4% for each such window, so a bootstrap of the mean was as wide as the outliers; the
 * signed-rank interval hardly moves for them, and costs ~5% of efficiency when the rounds are
 * normal (asymptotic relative efficiency 3/pi). What it estimates: the centre of symmetry of the
 * per-round changes, which is the mean change when a cost is spread over the windows (a constant
 * per-request cost, as every metrics call is). A cost that lands in few windows only (a flush
 * every 10 s in 1 s windows) counts for less than its mean: keep such periods shorter than a
 * window, or judge them with longer windows.
 *
 * The interval is exact for n <= EXACT_UP_TO without ties (the null law by counting), normal
 * beyond. Assumes rounds independent and their changes symmetric about the shift, which holds
 * under A/A by exchangeability and under a constant shift.
 */

/** Up to this many rounds the signed-rank law is counted exactly (2^n fits a double up to 53). */
export const EXACT_UP_TO = 50;

/** The median of the Walsh averages of `xs`. */
export function hodgesLehmann(xs: readonly number[]): number {
  return middle(walshAverages(xs));
}

/** The median of sorted values. */
function middle(sorted: Float64Array): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

function walshAverages(xs: readonly number[]): Float64Array {
  const n = xs.length;
  const w = new Float64Array((n * (n + 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) w[k++] = (xs[i] + xs[j]) / 2;
  return w.sort();
}

/**
 * The number of Walsh averages to cut from each end for a two-sided 1 - alpha interval: the
 * largest C with P(W+ <= C - 1) <= alpha / 2 under the null. 0 when even the widest interval
 * (C = 1, the extreme averages) would be short of the level: too few rounds for this alpha.
 */
export function signedRankCut(n: number, alpha = DEFAULT_ALPHA): number {
  if (n < 1) return 0;
  const m = (n * (n + 1)) / 2;
  if (n > EXACT_UP_TO) {
    const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
    return Math.max(0, Math.floor(m / 2 - normalQuantile(1 - alpha / 2) * sd + 0.5));
  }
  // counts[w]: subsets of {1..n} whose ranks sum to w; each has probability 2^-n under the null.
  const counts = new Float64Array(m + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) for (let w = (r * (r + 1)) / 2; w >= r; w--) counts[w] += counts[w - r];
  const total = 2 ** n;
  let below = 0;
  let c = 0;
  while (c <= m && (below + counts[c]) / total <= alpha / 2) below += counts[c++];
  return c;
}

/** The estimate and its 1 - alpha interval; null bounds when `xs` is too short for the level. */
export function hodgesLehmannInterval(xs: readonly number[], alpha = DEFAULT_ALPHA): { estimate: number; low: number | null; high: number | null } {
  if (xs.length === 0) return { estimate: Number.NaN, low: null, high: null };
  const w = walshAverages(xs);
  const estimate = middle(w);
  const cut = signedRankCut(xs.length, alpha);
  if (cut === 0) return { estimate, low: null, high: null };
  return { estimate, low: w[cut - 1], high: w[w.length - cut] };
}
