import { describe, expect, it } from 'vitest';
import { Result, SCHEMA_VERSION, ScenarioResult } from '../result/schema.ts';
import { runTight, type TightEvent } from './run.ts';

describe('runTight (worker processes, smoke profile)', () => {
  it('returns tight/<workload>/<backend> scenarios that validate, count exactly and carry ns/op per round', async () => {
    const events: TightEvent[] = [];
    const scenarios = await runTight({ profile: 'smoke', rounds: 2, backends: ['fast'], seed: 7, onEvent: (e) => events.push(e) });
    expect(scenarios.map((s) => s.name)).toEqual([
      'tight/record/fast', 'tight/hot-path/fast', 'tight/clients-4/fast', 'tight/clients-100/fast', 'tight/clients-10000/fast',
    ]);
    for (const s of scenarios) {
      ScenarioResult.parse(s);
      expect(s.kind).toBe('tight');
      expect(s.rounds).toHaveLength(4);
      for (const r of s.rounds) {
        expect(r.valid, r.invalidReason).toBe(true);
        expect(typeof r.nsPerOp).toBe('number');
        expect(r.requests).toBeGreaterThan(0);
      }
      // each round ran both variants, one first and one second
      expect(new Set(s.rounds.filter((r) => r.round === 0).map((r) => r.order))).toEqual(new Set([0, 1]));
      expect(s.comparisons[0].metric).toBe('nsPerOp');
      expect(s.exactness?.ok, s.exactness?.detail).toBe(true);
      expect(s.exactness!.recorded).toBe(s.exactness!.expected);
    }
    const wide = scenarios.find((s) => s.name === 'tight/clients-10000/fast')!;
    const perClient = wide.rounds.find((r) => r.variant === 'instrumented' && r.extra?.bytesPerClient !== undefined)?.extra?.bytesPerClient;
    expect(perClient).toBeGreaterThan(0);
    expect(perClient).toBeLessThanOrEqual(256); // the goal for fast
    expect(events[0].type).toBe('start');
    expect(events.at(-1)?.type).toBe('done');
    expect(events.filter((e) => e.type === 'task')).toHaveLength(2 * 5 * 2);

    const result = {
      schemaVersion: SCHEMA_VERSION, tool: { name: 'overbench', version: 'test' }, runId: 'x', startedAt: '', finishedAt: '',
      env: { node: '', os: '', cpuModel: '', cpus: 2, gitSha: null, world: null }, verdict: 'pass', scenarios,
    };
    expect(() => Result.parse(result)).not.toThrow();
  }, 240_000);
});
