import { describe, expect, it } from 'vitest';
import type { WindowResult } from '../result/schema.ts';
import { concludeScenario } from './conclude.ts';

/** A window of `process`'s pair with the given CPU per request (us) and throughput. */
function window(round: number, variant: 'baseline' | 'instrumented', process: number | undefined, cpuPerRequestUs: number | null, throughput = 1000): WindowResult {
  return {
    round, variant, order: 0, ...(process !== undefined && { process }), requests: 5000, errors: 0, throughput,
    latencyUs: { p50: 1000, p95: 2000, p99: 3000, p999: 4000, max: 5000, mean: 1100 }, histogram: null,
    cpuUs: cpuPerRequestUs === null ? null : { user: cpuPerRequestUs * 5000, system: 0 }, cpuPerRequestUs, rssBytes: 1, driverCpuPct: 10, valid: true,
  };
}

/** Six rounds, 1-3 in pair 1 and 4-6 in pair 2 (or all in one pair): the instrumented CPU per round as given. */
function rounds(instrumentedCpu: readonly number[], twoPairs = true, withCpu = true): WindowResult[] {
  return instrumentedCpu.flatMap((x, i) => {
    const pair = twoPairs ? (i < 3 ? 1 : 2) : undefined;
    const cpu = (v: number) => (withCpu ? v : null);
    // Without CPU, throughput carries the same story: the instrumented daemon serves less.
    return [window(i + 1, 'baseline', pair, cpu(100)), window(i + 1, 'instrumented', pair, cpu(x), withCpu ? 1000 : 100_000 / x)];
  });
}

const conclude = (windows: WindowResult[]) =>
  concludeScenario({ world: {}, budgets: { cpuPerRequest: 10, throughput: 3, errorRate: 0.1 } }, { seed: 1, onReference: [] }, windows, []);

describe('two pairs of processes: their luck in every interval', () => {
  it("leaves undecided what one pair's rounds would fail (the default profile's false fail)", () => {
    // Pair 1 reads +19-21%, pair 2 +11-12%: every round is over the 10% budget, so the rounds'
    // interval alone fails it, yet the pairs differ far beyond their rounds' noise.
    const rc = [119, 120, 121, 111, 111.5, 112];
    expect(conclude(rounds(rc, false)).verdict).toBe('fail');
    const c = conclude(rounds(rc));
    expect(c.pairCheck).toMatchObject({ metric: 'cpuPerRequest' });
    expect(c.pairCheck!.estimatesPct[0]).toBeCloseTo(20, 0);
    expect(c.pairCheck!.estimatesPct[1]).toBeCloseTo(11.5, 0);
    expect(c.pairCheck!.luckSdPct).toBeGreaterThan(4);
    const cpu = c.comparisons.find((x) => x.metric === 'cpuPerRequest')!;
    expect(cpu.verdict).toBe('inconclusive');
    expect(cpu.pairSdPct).toBeGreaterThan(2);
    expect(cpu.note).toMatch(/counts the luck of two pairs of processes' mean, sd \d+\.\d%, from their spread/);
    expect(c.comparisons.find((x) => x.metric === 'errorRate')!.verdict).toBe('pass');
    expect(c.verdict).toBe('inconclusive');
  });

  it('decides as with one pair when the pairs read alike, and records them', () => {
    const c = conclude(rounds([101, 102, 101, 102, 101, 102]));
    expect(c.pairCheck).toEqual({ metric: 'cpuPerRequest', estimatesPct: [expect.any(Number), expect.any(Number)], luckSdPct: 0 });
    expect(c.comparisons.find((x) => x.metric === 'cpuPerRequest')!.verdict).toBe('pass');
    expect(c.verdict).toBe('pass');
  });

  it('reads throughput where there is no CPU (a target without a pid), and nothing with one pair', () => {
    expect(conclude(rounds([119, 120, 121, 111, 111.5, 112], true, false)).pairCheck).toMatchObject({ metric: 'throughput' });
    expect(conclude(rounds([119, 120, 121, 111, 111.5, 112], false)).pairCheck).toBeUndefined();
  });
});
