import { describe, expect, it } from 'vitest';
import type { Comparison, Result } from '../result/schema.ts';
import { compareMetric } from '../stats/compare.ts';
import { defaultContext } from './reporter.ts';
import { junitReporter } from './reporters/junit.ts';
import { markdownReporter } from './reporters/markdown.ts';
import { verdictSection } from './html/verdict-section.ts';
import { fmtChangeWithInterval, fmtComparisonBudget } from './metric.ts';

const base = [1000, 1010, 990, 1005, 995, 1000];
const floored = compareMetric({ metric: 'p99', baseline: base, instrumented: base.map((b) => b + 100), budgetPct: 5, floorUs: 200, higherIsWorse: true, seed: 1 });
const unbound = compareMetric({ metric: 'p99', baseline: base.map((b) => b * 10), instrumented: base.map((b) => b * 10), budgetPct: 5, floorUs: 200, higherIsWorse: true, seed: 1 });
const errors = compareMetric({ metric: 'errorRate', baseline: [0, 0, 0, 0, 0, 0], instrumented: [20, 20, 20, 20, 20, 20], budgetPct: 0.1, higherIsWorse: true, seed: 1 });

describe('budgets and changes in the metric’s terms', () => {
  it('a floor reads "budget +5% (floor 200 us)", with the threshold it set when it is larger', () => {
    expect(fmtComparisonBudget(unbound)).toBe('+5% (floor 200 us)');
    expect(fmtComparisonBudget(floored)).toMatch(/^\+5% \(floor 200 us = \+20%\)$/);
    expect(fmtComparisonBudget({ metric: 'p50', budgetPct: 2 })).toBe('+2%');
  });

  it('the error rate reads in percentage points', () => {
    expect(fmtComparisonBudget(errors)).toBe('+0.1 pp');
    expect(fmtChangeWithInterval(errors)).toBe('+20.00 pp [+20.00 pp, +20.00 pp]');
  });

  it('Markdown, JUnit and HTML show the floor and the pp unit', () => {
    const comparisons: Comparison[] = [floored, errors];
    const result: Result = {
      schemaVersion: 1, tool: { name: 'overbench', version: '0' }, runId: 'r', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z',
      env: { node: 'v20', os: 'linux', cpuModel: 'cpu', cpus: 2, gitSha: null, world: null }, verdict: 'fail',
      scenarios: [{ name: 's', kind: 'realistic', verdict: 'fail', variants: { baseline: { target: 'reference' }, instrumented: { target: 'reference' } }, rounds: [], comparisons, exactness: null }],
    };
    const md = markdownReporter.render(result, defaultContext());
    expect(md).toMatch(/\| s +\| p99 latency +\| \+10\.\d+% +\| \[.*\] +\| \+5% \(floor 200 us = \+20%\) +\| pass +\|/);
    expect(md).toMatch(/\| s +\| error rate +\| \+20\.00 pp +\| \[\+20\.00 pp, \+20\.00 pp\] +\| \+0\.1 pp +\| \*\*FAIL\*\* +\|/);
    const xml = junitReporter.render(result, defaultContext());
    expect(xml).toContain('name="p99 latency overhead within +5% (floor 200 us = +20%) budget');
    expect(xml).toContain('name="error rate overhead within +0.1 pp budget"');
    expect(xml).toContain('error rate overhead +20.00 pp [+20.00 pp, +20.00 pp]');
    const html = verdictSection(result, defaultContext());
    expect(html).toContain('+5% (floor 200 us = +20%)');
    expect(html).toContain('+0.1 pp');
  });
});
