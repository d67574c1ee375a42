import type { RoundResult } from '../result/schema.ts';

/** Windows in the order they ran: round by round, first-run variant first. */
export function inRunOrder(rounds: readonly RoundResult[]): RoundResult[] {
  return [...rounds].sort((a, b) => a.round - b.round || a.order - b.order);
}

/** Rounds usable for a comparison: both variants measured and valid. */
export function validPairs(rounds: readonly RoundResult[]): { round: number; baseline: RoundResult; instrumented: RoundResult }[] {
  const byRound = new Map<number, Partial<Record<RoundResult['variant'], RoundResult>>>();
  for (const r of rounds) byRound.set(r.round, { ...byRound.get(r.round), [r.variant]: r });
  const pairs: { round: number; baseline: RoundResult; instrumented: RoundResult }[] = [];
  for (const [round, p] of [...byRound.entries()].sort((a, b) => a[0] - b[0])) {
    if (p.baseline?.valid && p.instrumented?.valid) pairs.push({ round, baseline: p.baseline, instrumented: p.instrumented });
  }
  return pairs;
}
