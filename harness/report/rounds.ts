import type { WindowResult } from '../result/schema.ts';

/** Windows in the order they ran: round by round, first-run variant first. */
export function inRunOrder(rounds: readonly WindowResult[]): WindowResult[] {
  return [...rounds].sort((a, b) => a.round - b.round || a.order - b.order);
}

/** Rounds usable for a comparison (both variants valid): the run's own definition, so counts agree. */
export { validPairs } from '../run/compare-rounds.ts';
export { describePairCheck } from '../run/compare-rounds.ts';
