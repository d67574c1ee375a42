import { createRng, type Rng } from '../../common/latency.ts';

/** FNV-1a: a scenario's seed depends on the run seed and its name, not on which others were selected. */
export function scenarioSeed(runSeed: number, name: string): number {
  let h = 0x811c9dc5 ^ (runSeed >>> 0);
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Which variant goes first in each round: a fair coin per round from the scenario's seed. */
export function roundOrders(seed: number, rounds: number): Array<['baseline', 'instrumented'] | ['instrumented', 'baseline']> {
  const rng: Rng = createRng(seed ^ 0x5bd1e995);
  return Array.from({ length: rounds }, () => (rng() < 0.5 ? ['baseline', 'instrumented'] : ['instrumented', 'baseline']));
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
