import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../result/schema.ts';
import { timersLine } from '../report/rounds.ts';
import { renderScenario } from './scenario-table.ts';

const base: ScenarioResult = {
  name: 'chat-realistic',
  kind: 'realistic',
  profile: 'smoke',
  verdict: 'fail',
  variants: { baseline: { target: 'reference' }, instrumented: { target: 'reference' } },
  rounds: [
    { round: 1, variant: 'baseline', order: 0, requests: 100, errors: 2, errorsByKind: { timeout: 2 }, throughput: 50, latencyUs: null, histogram: null, cpuUs: null, cpuPerRequestUs: null, rssBytes: null, driverCpuPct: 95, valid: false, invalidReason: 'driver saturated: 95% of a core > 90%' },
    { round: 1, variant: 'instrumented', order: 1, requests: 100, errors: 0, throughput: 50, latencyUs: null, histogram: null, cpuUs: null, cpuPerRequestUs: null, rssBytes: null, driverCpuPct: 20, valid: true },
  ],
  comparisons: [
    { metric: 'p50', budgetPct: 2, estimatePct: 1.234, ciLowPct: -0.5, ciHighPct: 3.1, verdict: 'inconclusive', baselineMedian: 120_500, instrumentedMedian: 121_900, note: 'Change within noise: the interval spans the budget' },
    { metric: 'throughput', budgetPct: 2, estimatePct: 0, ciLowPct: -1, ciHighPct: 1, verdict: 'pass', baselineMedian: 88.2, instrumentedMedian: 88.1 },
  ],
  exactness: { expected: 10, recorded: 9, ok: false, detail: 'round 1: ...' },
};

describe('scenario table', () => {
  it('shows metric, baseline, instrumented, overhead [CI], budget, verdict, then invalid rounds, exactness and errors', () => {
    const text = renderScenario(base);
    const lines = text.split('\n');
    expect(lines[0]).toBe('chat-realistic (smoke): FAIL  0/1 rounds valid');
    expect(lines[1]).toMatch(/metric\s+baseline\s+instrumented\s+overhead \[95% CI\]\s+budget\s+verdict/);
    expect(text).toMatch(/p50\s+121 ms\s+122 ms\s+\+1\.2% \[-0\.5%, \+3\.1%\]\s+\+2%\s+inconclusive/);
    expect(text).toMatch(/throughput\s+88\.2 req\/s/);
    expect(text).toContain('p50: Change within noise: the interval spans the budget');
    expect(text).toContain("exactness: MISMATCH: recorded 9, expected 10 (daemon's message totals vs the driver's frames): round 1");
    expect(text).toContain('invalid: round 1 baseline: driver saturated');
    expect(text).toContain('errors: baseline 2/100 (timeout 2); instrumented 0/100');
  });

  it("says what each variant's metrics timers cost per request and as a share of its CPU, over the valid windows that carry it", () => {
    const window = (variant: 'baseline' | 'instrumented', round: number, timerUs: number | undefined, valid = true) => ({
      round, variant, order: 0, requests: 1000, errors: 0, throughput: 800, latencyUs: null, histogram: null, cpuUs: { user: 80_000, system: 20_000 },
      cpuPerRequestUs: 100, rssBytes: null, driverCpuPct: 20, valid, ...(timerUs !== undefined && { extra: { metricsTimerCpuUs: timerUs } }),
    });
    const rounds = [window('baseline', 1, 0), window('instrumented', 1, 300), window('baseline', 2, 0), window('instrumented', 2, 500), window('instrumented', 3, 9_999, false)];
    expect(timersLine(rounds)).toBe('metrics timers (flushes, roll-ups, sweeps; CPU): instrumented 0.4 us per request (0.4% of its CPU), baseline 0 us per request (0% of its CPU)');
    expect(renderScenario({ ...base, rounds })).toContain('  metrics timers (flushes, roll-ups, sweeps; CPU): instrumented 0.4 us');
    expect(timersLine(rounds.map((r) => ({ ...r, extra: undefined })))).toBeNull();
    expect(renderScenario(base)).not.toContain('metrics timers');
  });

  it('names the metrics that did not pass for the same reason on one line', () => {
    const note = '3 valid round(s) are too few for a 95% signed-rank interval: cannot decide';
    const few = (metric: 'p50' | 'p99' | 'cpuPerRequest') => ({ metric, budgetPct: 5, estimatePct: 1, ciLowPct: null, ciHighPct: null, verdict: 'inconclusive' as const, note });
    const text = renderScenario({ ...base, comparisons: [few('p50'), base.comparisons[1], few('p99'), few('cpuPerRequest')] });
    expect(text.split('\n').filter((l) => l.includes(note))).toEqual([`  p50, p99, cpuPerRequest: ${note}`]);
  });
});
