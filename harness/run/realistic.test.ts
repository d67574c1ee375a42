import { describe, expect, it } from 'vitest';
import type { ScenarioResult, WindowResult } from '../result/schema.ts';
import { lookAlpha } from '../stats/sequential.ts';
import { compareRounds } from './compare-rounds.ts';
import type { ScenarioPlan } from './plan.ts';
import { SequentialRounds, type SequentialComparison } from './realistic.ts';

const BATCH = 12;
const BUDGETS = { cpuPerRequest: 10, throughput: 5, errorRate: 0.1 };

function window(round: number, variant: 'baseline' | 'instrumented', cpuPerRequestUs: number, throughput: number): WindowResult {
  return {
    round, variant, order: 0, requests: 5000, errors: 0, throughput, latencyUs: null, histogram: null,
    cpuUs: { user: cpuPerRequestUs * 5000, system: 0 }, cpuPerRequestUs, rssBytes: 1, driverCpuPct: 10, valid: true,
  };
}

/** A batch of BATCH rounds from `first`: the instrumented CPU per request by round, throughput +-10% around the baseline's (never decided at 5%). */
function batch(first: number, cpu: (i: number) => number): WindowResult[] {
  return Array.from({ length: BATCH }, (_, i) => [
    window(first + i, 'baseline', 100, 1000),
    window(first + i, 'instrumented', cpu(i), i % 2 === 0 ? 900 : 1100),
  ]).flat();
}

const plan = { scenario: { rounds: BATCH, budgets: BUDGETS }, seed: 7 } as unknown as ScenarioPlan;
const cpuOf = (cs: readonly SequentialComparison[] | ScenarioResult['comparisons']) => cs.find((c) => c.metric === 'cpuPerRequest')!;

describe('SequentialRounds: a decided comparison keeps the look that decided it', () => {
  it('keeps CPU per request passed at look 1 while throughput keeps the run looking, where look 2 alone would not decide it', () => {
    let t = 0;
    const seq = new SequentialRounds(plan, 100, () => t);
    // Look 1: CPU +1% in every round (a pass at 10%), throughput undecided.
    const first = batch(1, (i) => 101 + (i % 3) * 0.1);
    t = 10;
    expect(seq.moreRounds(first)).toBe(BATCH);
    // Look 2: a batch whose rounds read +5% and +40% in turn.
    const rounds = [...first, ...batch(1 + BATCH, (i) => (i % 2 === 0 ? 105 : 140))];
    t = 20;
    expect(seq.moreRounds(rounds)).toBe(BATCH);
    // What look 2 alone reads of CPU: inconclusive (the case this guards).
    const lookTwo = compareRounds(rounds, BUDGETS, plan.seed, { alpha: lookAlpha(2, seq.maxLooks) });
    expect(cpuOf(lookTwo).verdict).toBe('inconclusive');

    const result = seq.finish({ name: 's', rounds, comparisons: [], verdict: 'inconclusive', exactness: null } as unknown as ScenarioResult);
    const cpu = cpuOf(result.comparisons) as SequentialComparison;
    expect(cpu.verdict).toBe('pass');
    expect(cpu.looks).toBe(1);
    expect(cpu.alpha).toBeCloseTo(lookAlpha(1, seq.maxLooks), 12);
    expect(cpu.ciHighPct).toBeLessThan(10);
    const throughput = result.comparisons.find((c) => c.metric === 'throughput') as SequentialComparison;
    expect(throughput.verdict).toBe('inconclusive');
    expect(throughput.looks).toBe(2);
  });
});
