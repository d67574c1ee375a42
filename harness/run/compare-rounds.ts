import { METRICS, REALISTIC_METRICS } from '../result/metrics.ts';
import type { Comparison, WindowResult } from '../result/schema.ts';
import type { Budgets } from '../scenario/schema.ts';
import { compareMetric } from '../stats/compare.ts';

/** Rounds in which both variants are valid, as [baseline, instrumented] pairs (the round is the unit). */
export function validPairs(rounds: readonly WindowResult[]): [WindowResult, WindowResult][] {
  const byRound = new Map<number, Partial<Record<'baseline' | 'instrumented', WindowResult>>>();
  for (const r of rounds) byRound.set(r.round, { ...byRound.get(r.round), [r.variant]: r });
  const pairs: [WindowResult, WindowResult][] = [];
  for (const [, p] of [...byRound].sort((a, b) => a[0] - b[0])) {
    if (p.baseline?.valid && p.instrumented?.valid) pairs.push([p.baseline, p.instrumented]);
  }
  return pairs;
}

/**
 * One comparison per metric that has a budget. A metric the targets cannot provide (CPU of a url
 * target without a pid) is left out rather than judged on nothing.
 */
export function compareRounds(rounds: readonly WindowResult[], budgets: Budgets, seed: number): Comparison[] {
  const pairs = validPairs(rounds);
  const out: Comparison[] = [];
  REALISTIC_METRICS.forEach((metric, i) => {
    const { higherIsWorse, value } = METRICS[metric];
    const budgetPct = budgets[metric];
    if (budgetPct === undefined) return;
    const unavailable = rounds.length > 0 && rounds.every((r) => value(r) === null);
    if (unavailable) return;
    out.push(
      compareMetric({
        metric,
        budgetPct,
        higherIsWorse,
        baseline: pairs.map(([b]) => value(b) ?? Number.NaN),
        instrumented: pairs.map(([, x]) => value(x) ?? Number.NaN),
        seed: (seed + i * 0x9e3779b1) >>> 0,
      }),
    );
  });
  return out;
}
