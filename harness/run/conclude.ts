import type { ScenarioResult, WindowResult } from '../result/schema.ts';
import type { ResolvedScenario } from '../scenario/profile.ts';
import { scenarioVerdict } from '../stats/compare.ts';
import { compareRounds, pairCheck, type PairLuck } from './compare-rounds.ts';
import type { VariantName } from './events.ts';
import { summarizeExactness, type ExactnessRound } from './exactness.ts';
import { describeWorldErrors, uninjectedWorldErrors } from './world-errors.ts';

export type Conclusion = Pick<ScenarioResult, 'verdict' | 'comparisons' | 'exactness' | 'pairCheck'> & { error?: string };

/**
 * What a scenario's measured windows say: a world that produced errors it did not inject leaves
 * no verdict (the scenario's `error`, exit 2); otherwise one comparison per budget and the
 * exactness check make the verdict; rounds from two pairs of processes also say what each pair
 * read (compare-rounds.ts, pairCheck).
 */
export function concludeScenario(
  s: Pick<ResolvedScenario, 'world' | 'budgets'>,
  at: { seed: number; onReference: readonly VariantName[]; pairLuck?: PairLuck },
  rounds: readonly WindowResult[],
  exactRounds: readonly ExactnessRound[],
): Conclusion {
  const exactness = summarizeExactness(exactRounds);
  const broken = uninjectedWorldErrors(rounds, s.world, at.onReference);
  if (broken.length > 0) return { verdict: 'inconclusive', comparisons: [], exactness, error: describeWorldErrors(broken) };
  const check = pairCheck(rounds);
  const comparisons = compareRounds(rounds, s.budgets, at.seed, { pairLuck: at.pairLuck });
  return { verdict: scenarioVerdict(comparisons, exactness ? exactness.ok : null), comparisons, exactness, ...(check && { pairCheck: check }) };
}
