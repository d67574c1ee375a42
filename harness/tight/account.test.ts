import { describe, expect, it } from 'vitest';
import { NoneMetrics } from '../../daemon/metrics/none.ts';
import type { BackendName } from '../../daemon/metrics/types.ts';
import { ScenarioResult } from '../result/schema.ts';
import { accountOf } from './account.ts';
import { renderAccount } from './account-table.ts';
import { statusCallCensus } from './census.ts';
import { VirtualClock, VirtualCostMetrics } from './fixtures/virtual-cost-metrics.ts';
import type { MetricCall } from './messages.ts';
import { PROFILE_SETTINGS, taskSpec, workloads } from './profiles.ts';
import { buildScenarios, type Records } from './scenarios.ts';
import { createSubject } from './subjects.ts';
import { runTask } from './task.ts';

const COST: Record<MetricCall, number> = { frameReceived: 4, frameSent: 3, stageLatency: 5, requestDone: 7 };

describe('the account (virtual clock: the parts and the whole are known, nothing is timed)', () => {
  it('the parts measured alone add up to the measured whole, per status call and per record frame', async () => {
    const clock = new VirtualClock();
    // the "fast" side is the fixture; none stays none (costs 0 virtual ns)
    const load = async (backend: BackendName) => ({
      createSubject: (name: BackendName, w: Parameters<typeof createSubject>[1], clients: number) =>
        createSubject(name, w, clients, () => (backend === 'none' ? new NoneMetrics() : new VirtualCostMetrics(clock, COST))),
    });
    const settings = { ...PROFILE_SETTINGS.smoke, rounds: 2, pairs: 5, warmupMs: 1, targetCallUs: 20, hotPathCopies: 2 };
    const plan = workloads(settings);
    const records: Records = Object.fromEntries(plan.map((w) => [w.name, {}]));
    for (let round = 0; round < settings.rounds; round++) {
      for (const w of plan) {
        const outcome = await runTask('fast', taskSpec(w, settings, false, 'wall'), { load, now: clock.now });
        (records[w.name].fast ??= [])[round] = { outcome, position: 0 };
      }
    }
    const census = statusCallCensus();
    expect(census.calls).toEqual({ frameReceived: 1, frameSent: 2, stageLatency: 0, requestDone: 1 });
    const scenarios = buildScenarios({ records, workloads: plan, backends: ['none', 'fast'], rounds: settings.rounds, profile: 'test', seed: 1, census });
    for (const s of scenarios) ScenarioResult.parse(s);

    const hot = accountOf(scenarios.find((s) => s.name === 'tight/hot-path/fast')!, 1)!;
    const statusWhole = COST.frameReceived + 2 * COST.frameSent + COST.requestDone;
    expect(hot.parts.map((p) => [p.call, p.count, p.perCall?.mean])).toEqual([
      ['frameReceived', 1, COST.frameReceived], ['frameSent', 2, COST.frameSent], ['stageLatency', 0, COST.stageLatency], ['requestDone', 1, COST.requestDone],
    ]);
    expect(hot.measured!.mean).toBeCloseTo(statusWhole, 9);
    expect(hot.sum!.mean).toBeCloseTo(statusWhole, 9);
    expect(Math.abs(hot.residual!.mean)).toBeLessThan(1e-9);
    expect(hot.reconciles).toBe(true);

    const rec = accountOf(scenarios.find((s) => s.name === 'tight/record/fast')!, 1)!;
    const frameWhole = COST.frameReceived + COST.frameSent + COST.stageLatency;
    expect(rec.sum!.mean).toBeCloseTo(frameWhole, 9);
    expect(rec.measured!.mean).toBeCloseTo(frameWhole, 9);
    expect(rec.reconciles).toBe(true);

    // clients-N carry no account; the printed table has a row per account and the clock census
    expect(accountOf(scenarios.find((s) => s.name === 'tight/clients-4/fast')!, 1)).toBeNull();
    const text = renderAccount(scenarios, 1);
    expect(text).toMatch(/\nhot-path\s+fast\s+1x 4 \[4, 4\]\s+2x 3 \[3, 3\]\s+0x\s+1x 7 \[7, 7\]\s+17 \[17, 17\]\s+17 \[17, 17\]\s+0 \[0, 0\]\s+reconciles/);
    expect(text).toMatch(/clock reads: the daemon reads the clock 3 times per status call/);
  }, 60_000);
});
