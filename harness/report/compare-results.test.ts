import { describe, expect, it } from 'vitest';
import { UsageError } from '../../common/exit-codes.ts';
import { compareResults } from './compare-results.ts';
import { compareTable } from './compare-table.ts';
import { comparePair as pair, realisticScenario, resultOf } from './testing/result-fixture.ts';

describe('compareResults', () => {
  const { oldR, newR } = pair();
  const outcome = compareResults(oldR, newR);
  const byName = (n: string) => outcome.result.scenarios.find((s) => s.name === n)!;

  it('matches scenarios by name and lists the rest', () => {
    expect(outcome.result.scenarios.map((s) => s.name)).toEqual(['same', 'slower', 'noisy', 'tight/hot-path/fast']);
    expect(outcome.onlyOld).toEqual(['retired']);
    expect(outcome.onlyNew).toEqual(['brand-new']);
  });

  it('identical instrumented rounds: no change, every metric passes', () => {
    const s = byName('same');
    expect(s.verdict).toBe('pass');
    for (const c of s.comparisons) {
      expect(c.estimatePct).toBeCloseTo(0, 9);
      expect(c.verdict).toBe('pass');
    }
  });

  it('NEW 20% slower: every metric fails with the estimate at +20%, surplus OLD rounds left out', () => {
    const s = byName('slower');
    expect(s.verdict).toBe('fail');
    expect(s.comparisons.map((c) => c.metric)).toEqual(['p50', 'p95', 'p99', 'throughput', 'cpuPerRequest']);
    for (const c of s.comparisons) {
      expect(c.verdict).toBe('fail');
      expect(c.estimatePct).toBeCloseTo(20, 6);
      expect(c.rounds).toBe(6);
    }
    expect(outcome.unpaired).toEqual({ slower: { old: 2, new: 0 } });
  });

  it('NEW alternately 10% faster and 12% slower: the interval spans the budget, inconclusive', () => {
    const p50 = byName('noisy').comparisons.find((c) => c.metric === 'p50')!;
    expect(p50.verdict).toBe('inconclusive');
    expect(p50.ciLowPct!).toBeLessThan(0);
    expect(p50.ciHighPct!).toBeGreaterThan(p50.budgetPct);
  });

  it('tight scenarios compare ns/op: +50% fails', () => {
    const c = byName('tight/hot-path/fast').comparisons;
    expect(c).toHaveLength(1);
    expect(c[0].metric).toBe('nsPerOp');
    expect(c[0].estimatePct).toBeCloseTo(50, 6);
    expect(c[0].verdict).toBe('fail');
  });

  it('the overall verdict is the worst, and the result is schema-valid with OLD in the baseline slot', () => {
    expect(outcome.result.verdict).toBe('fail');
    expect(outcome.result.comparisonsMade).toBe(5 + 5 + 5 + 1);
    expect(byName('same').variants.baseline.target).toMatch(/^OLD old: /);
    expect(byName('same').variants.instrumented.target).toMatch(/^NEW new: /);
  });

  it('--metric keeps only scenarios that have it; --budget overrides every budget', () => {
    const o = compareResults(oldR, newR, { metrics: ['nsPerOp'], budgetPct: 60 });
    expect(o.result.scenarios.map((s) => s.name)).toEqual(['tight/hot-path/fast']);
    expect(o.noMetric).toEqual(['same', 'slower', 'noisy']);
    expect(o.result.scenarios[0].comparisons[0].budgetPct).toBe(60);
    expect(o.result.verdict).toBe('pass');
  });

  it('nothing in common is bad input', () => {
    expect(() => compareResults(oldR, resultOf([realisticScenario({ name: 'other' })]))).toThrow(UsageError);
  });

  it('prints a console table row per comparison with both medians', () => {
    const table = compareTable(outcome);
    const rows = table.split('\n').filter((l) => /^(same|slower|noisy|tight)\S*\s{2}/.test(l));
    expect(rows).toHaveLength(16);
    expect(rows.find((r) => r.startsWith('slower') && r.includes('CPU per request'))).toMatch(/\+20\.00%.*FAIL/);
    expect(table).toContain('only in OLD (not compared): retired');
    expect(table).toContain('slower: rounds paired by run order; 2 surplus OLD round(s) left out');
  });
});
