import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../common/exit-codes.ts';
import { buildResult } from '../result/build.ts';
import { exitCodeFor } from '../result/exit-code.ts';
import type { ScenarioResult, WindowResult } from '../result/schema.ts';
import { concludeScenario } from './conclude.ts';
import { describeWorldErrors, errorOrigin, uninjectedWorldErrors } from './world-errors.ts';

describe('which errors the world injected', () => {
  const calm = {};
  const faulty = { provider: { errorRate: 0.05 }, supabase: { errorRate: 0.01 } };

  it('provider and Supabase errors are injected only when the world sets their errorRate', () => {
    for (const code of ['PROVIDER_ERROR', 'PROVIDER_UNAVAILABLE', 'SUPABASE_ERROR']) {
      expect(errorOrigin(code, calm)).toBe('world');
      expect(errorOrigin(code, faulty)).toBe('injected');
    }
    expect(errorOrigin('SUPABASE_ERROR', { provider: { errorRate: 0.5 } })).toBe('world');
    expect(errorOrigin('PROVIDER_ERROR', { provider: { errorRate: 0 } })).toBe('world');
  });

  it('provider errors are injected too when the world sets the provider a rate limit (its 429s)', () => {
    for (const limits of [{ rpm: 30 }, { tpm: 5000 }, { rpm: 30, tpm: 5000 }]) {
      for (const code of ['PROVIDER_ERROR', 'PROVIDER_UNAVAILABLE']) expect(errorOrigin(code, { provider: { limits } })).toBe('injected');
      expect(errorOrigin('SUPABASE_ERROR', { provider: { limits } })).toBe('world');
      expect(errorOrigin('REDIS_ERROR', { provider: { limits } })).toBe('world');
    }
    expect(errorOrigin('PROVIDER_ERROR', { provider: { latency: 'constant:v=1ms' } })).toBe('world');
  });

  it('Redis errors (also session-level ones) and internal errors are never injected', () => {
    for (const kind of ['REDIS_ERROR', 'connection:REDIS_ERROR', 'INTERNAL_ERROR']) {
      expect(errorOrigin(kind, calm)).toBe('world');
      expect(errorOrigin(kind, faulty)).toBe('world');
    }
    expect(errorOrigin('connection:SUPABASE_ERROR', faulty)).toBe('injected');
  });

  it("anything else is the target's own error, judged by the errorRate budget", () => {
    for (const kind of ['timeout', 'closed', 'protocol', 'OVER_CAPACITY', 'TIMEOUT', 'ERROR', 'toString']) expect(errorOrigin(kind, calm)).toBe('target');
  });
});

function window(round: number, variant: 'baseline' | 'instrumented', errorsByKind: Record<string, number> = {}): WindowResult {
  const errors = Object.values(errorsByKind).reduce((a, b) => a + b, 0);
  return {
    round, variant, order: variant === 'baseline' ? 0 : 1, requests: 1000, errors, errorsByKind, throughput: 500 - errors / 2,
    latencyUs: { p50: 1000, p95: 2000, p99: 3000, p999: 4000, max: 5000, mean: 1100 }, histogram: null,
    cpuUs: { user: 30_000, system: 0 }, cpuPerRequestUs: 30, rssBytes: 1, driverCpuPct: 10, valid: true,
  };
}

const scenarioResult = (name: string, c: ReturnType<typeof concludeScenario>, rounds: WindowResult[]): ScenarioResult => ({
  name, kind: 'realistic', variants: { baseline: { target: 'reference' }, instrumented: { target: 'reference' } }, rounds, ...c,
});

describe('a broken world stops the verdict', () => {
  const both = ['baseline', 'instrumented'] as const;
  const budgets = { p50: 5 };
  const broken: WindowResult[] = [];
  for (let r = 1; r <= 5; r++) broken.push(window(r, 'baseline', { REDIS_ERROR: 40 }), window(r, 'instrumented', { REDIS_ERROR: 42, 'connection:REDIS_ERROR': 1, timeout: 3 }));

  it('counts uninjected errors per variant, most frequent first, only on reference-daemon variants', () => {
    expect(uninjectedWorldErrors(broken, {}, both)).toEqual([
      { kind: 'REDIS_ERROR', baseline: 200, instrumented: 210 },
      { kind: 'connection:REDIS_ERROR', baseline: 0, instrumented: 5 },
    ]);
    expect(uninjectedWorldErrors(broken, {}, ['instrumented'])).toEqual([
      { kind: 'REDIS_ERROR', baseline: 0, instrumented: 210 },
      { kind: 'connection:REDIS_ERROR', baseline: 0, instrumented: 5 },
    ]);
    // Two user targets: their error codes are theirs.
    expect(uninjectedWorldErrors(broken, {}, [])).toEqual([]);
  });

  it('a scenario whose rounds carry REDIS_ERROR has no comparisons, an error line naming the code, and the run exits 2', () => {
    const c = concludeScenario({ world: {}, budgets }, { seed: 1, onReference: both }, broken, []);
    expect(c.comparisons).toEqual([]);
    expect(c.error).toBe(
      'the world produced errors it did not inject: REDIS_ERROR x 410 (baseline 200, instrumented 210), connection:REDIS_ERROR x 5 (baseline 0, instrumented 5); no verdict',
    );
    const result = buildResult({ scenarios: [scenarioResult('chat-realistic', c, broken)], world: null, startedAt: new Date(), seed: 1, command: 'test' });
    expect(exitCodeFor(result, false)).toBe(ExitCode.BadInput);
    expect(exitCodeFor(result, true)).toBe(ExitCode.BadInput);
  });

  it('injected errors are judged by the errorRate budget instead: 20% vs 0% fails, exit 1', () => {
    const rounds: WindowResult[] = [];
    for (let r = 1; r <= 5; r++) rounds.push(window(r, 'baseline'), window(r, 'instrumented', { PROVIDER_ERROR: 200 }));
    const c = concludeScenario({ world: { provider: { errorRate: 0.2 } }, budgets }, { seed: 1, onReference: both }, rounds, []);
    expect(c.error).toBeUndefined();
    expect(c.comparisons.find((x) => x.metric === 'errorRate')).toMatchObject({ estimatePct: 20, budgetPct: 0.1, verdict: 'fail' });
    expect(c.verdict).toBe('fail');
    const result = buildResult({ scenarios: [scenarioResult('s', c, rounds)], world: null, startedAt: new Date(), seed: 1, command: 'test' });
    expect(exitCodeFor(result, false)).toBe(ExitCode.Fail);
  });

  it('describes one kind in one line', () => {
    expect(describeWorldErrors([{ kind: 'REDIS_ERROR', baseline: 200, instrumented: 212 }])).toBe(
      'the world produced errors it did not inject: REDIS_ERROR x 412 (baseline 200, instrumented 212); no verdict',
    );
  });
});
