import type { Verdict } from '../result/schema.ts';
import { DEFAULT_ALPHA } from './bootstrap.ts';

/**
 * Sequential rounds (`--until-decided --max-time D`): while a comparison is inconclusive, another
 * batch of rounds (the profile's rounds) and another look at all rounds so far, until every
 * comparison is decided or the next batch would not fit in D; a comparison keeps the verdict of the
 * first look that decided it (keepDecided). Looking again after an inconclusive
 * look and stopping at the first decisive one is "retry until it passes": with up to 4 looks of 5
 * rounds at a 95% interval each, 18% of simulated A/A runs end decided on the wrong side of a
 * budget set at the truth, where one look at 20 rounds errs in 5% (`sequential.test.ts`). So each
 * look gets only its share of the 5%; the same simulation then errs in 4%.
 *
 * The method: a group-sequential design with Lan-DeMets alpha spending, Pocock-type,
 * alpha(t) = 0.05 * ln(1 + (e - 1) t), over K planned looks at information t = k/K (equal
 * batches). Look k's interval is read at the level the spending function allots to it,
 * alpha_k = alpha(k/K) - alpha((k-1)/K): the looks' levels add up to 5%, so by the union bound the
 * chance that any look's interval misses the truth (a wrong pass or fail) is at most 5%, whatever
 * the dependence between looks and whether or not the later looks are ever taken. Why so:
 * - Pocock-type rather than O'Brien-Fleming-type: a gate wants to stop at the first batch when
 *   the first batch already decides. O'Brien-Fleming spends almost nothing early (0.0001 of the
 *   0.05 at t = 1/4), so the first look could practically never decide, and every
 *   `--until-decided` run would cost two batches at least. Pocock-type spends evenly
 *   (0.018, 0.013, 0.010, 0.009 over 4 looks).
 * - The union bound rather than exact group-sequential boundaries (recursive integration over the
 *   looks' joint normal law): the intervals are bootstrap intervals over few rounds, not normal
 *   statistics, and K comes from a measured time; the bound holds for any of that. It costs a
 *   little width (conservative), never error control. With one look (K = 1) it is the fixed
 *   design exactly: 5% at once.
 * - Spending over the planned K, not over the looks actually taken: a run that stops early (time,
 *   or decided) has spent less than 5%, never more. K is fixed after the first batch from
 *   `--max-time` and that batch's measured duration, and at most MAX_LOOKS.
 */

/** At most this many looks: more would leave each look too small a share (0.05/K about). */
export const MAX_LOOKS = 10;

/** Pocock-type spending (Lan & DeMets 1983): the part of `alpha` spent by information fraction t. */
export function pocockSpending(t: number, alpha = DEFAULT_ALPHA): number {
  const f = Math.min(1, Math.max(0, t));
  return alpha * Math.log(1 + (Math.E - 1) * f);
}

/** Look k's (1-based) two-sided level out of `maxLooks`: its increment of the spending function. */
export function lookAlpha(look: number, maxLooks: number, alpha = DEFAULT_ALPHA): number {
  if (!(Number.isInteger(look) && Number.isInteger(maxLooks) && look >= 1 && look <= maxLooks)) {
    throw new Error(`lookAlpha: look ${look} of ${maxLooks}`);
  }
  return pocockSpending(look / maxLooks, alpha) - pocockSpending((look - 1) / maxLooks, alpha);
}

/**
 * The planned number of looks, fixed once the first batch is done: the first look, plus as many
 * more batches of the first one's duration as fit in what is left of `maxTimeMs` (elapsed counts
 * from the scenario's start, start-up included), at most MAX_LOOKS.
 */
export function planLooks(at: { maxTimeMs: number; elapsedMs: number; batchMs: number }): number {
  const left = at.maxTimeMs - at.elapsedMs;
  const more = at.batchMs > 0 ? Math.floor(left / at.batchMs) : MAX_LOOKS;
  return Math.min(MAX_LOOKS, 1 + Math.max(0, more));
}

/**
 * The standing comparisons after a look: one decided at an earlier look keeps that look's verdict
 * and interval; the others take this look's. Why: a scenario looks again while any of its
 * comparisons is inconclusive, so a comparison that one look decided would otherwise be read again
 * at the next look's smaller level and could fall back to inconclusive (hot-path-open's CPU per
 * request while its p95 kept the run looking). Keeping it costs no error control: a kept verdict is
 * wrong only where its own look's interval missed the truth, and the looks' levels add up to 5%
 * (the union bound above), as in a group-sequential design that stops for each endpoint on its own.
 */
export function keepDecided<C extends { metric: string; verdict: Verdict }>(earlier: readonly C[], now: readonly C[]): C[] {
  const decided = new Map(earlier.filter((c) => c.verdict !== 'inconclusive').map((c) => [c.metric, c]));
  return now.map((c) => decided.get(c.metric) ?? c);
}

export type StopReason = 'decided' | 'max-looks' | 'time';

/**
 * After look `look` of `maxLooks`: stop when every comparison is decided (pass or fail), when the
 * planned looks are used up, or when another batch (as long as the longest so far) would end past
 * `maxTimeMs`; then this look's verdicts stand, inconclusive included. null: take another batch.
 */
export function stopAfterLook(at: {
  look: number;
  maxLooks: number;
  verdicts: readonly Verdict[];
  elapsedMs: number;
  longestBatchMs: number;
  maxTimeMs: number;
}): StopReason | null {
  if (at.verdicts.every((v) => v !== 'inconclusive')) return 'decided';
  if (at.look >= at.maxLooks) return 'max-looks';
  if (at.elapsedMs + at.longestBatchMs > at.maxTimeMs) return 'time';
  return null;
}
