import { describe, expect, it } from 'vitest';
import { UsageError } from '../../common/exit-codes.ts';
import { loadScenarios } from '../scenario/load.ts';
import { scenarioSchema } from '../scenario/schema.ts';
import { layoutSeed } from '../targets/reference-daemon-argv.ts';
import { duetSlots, pairOfRound, planScenarios, processOfRound, roundPlans } from './plan.ts';

const tiny = (over: Record<string, unknown> = {}) => ({
  scenario: scenarioSchema().parse({ name: 'tiny', clients: 4, load: { model: 'closed' }, mix: [{ weight: 1, tool: 'status' }], budgets: { p50: 5 }, ...over }),
  file: 'tiny.json',
});

describe('planning a run (before anything starts)', () => {
  it('applies the profile, --rounds and --backend to the instrumented reference daemon only', async () => {
    const loaded = await loadScenarios(['hot-path-open']);
    const [p] = planScenarios(loaded, { profile: 'ci', rounds: 7, backend: 'prom' }, 1);
    expect(p.scenario).toMatchObject({ profile: 'ci', rounds: 7, measureSec: 1.25, design: 'duet' });
    const [q] = planScenarios(loaded, { profile: 'ci', design: 'interleaved' }, 1);
    expect(q.scenario).toMatchObject({ rounds: 12, design: 'interleaved' });
    // Interleaved runs each variant's windows in turn: 2 x (3 x 4 + 12 x (0.25 + 1.25)), each of
    // the ci profile's three pairs with its initial warm-up, at least 4 s outside smoke.
    expect(q.plannedSec).toBe(60);
    expect(p.variants.instrumented.env.METRICS_BACKEND).toBe('prom');
    expect(p.variants.baseline.env.METRICS_BACKEND).toBe('none');
    expect(p.variants.instrumented.info).toMatchObject({ target: 'reference', backend: 'prom' });
    expect(p.needsFakes).toBe(true);
  });

  it('command-line targets replace the scenario targets; two external targets need no fakes', () => {
    const [p] = planScenarios([tiny()], { baseline: 'spawn:node a.js --port {port}', instrumented: 'url:ws://127.0.0.1:9000', instrumentedPid: 42 }, 1);
    expect(p.variants.baseline.spec).toEqual({ kind: 'spawn', command: 'node a.js --port {port}' });
    // The variant's env is still recorded (a spawned target gets it; here it is the default).
    expect(p.variants.instrumented.info).toEqual({ target: 'url:ws://127.0.0.1:9000', pid: 42, env: { METRICS_BACKEND: 'fast' } });
    expect(p.needsFakes).toBe(false);
  });

  it("keeps the driver under the reference daemon's admission limits unless the env raises them", () => {
    const err = (() => {
      try {
        planScenarios([tiny({ clients: 12 })], {}, 1);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect(err!.message).toMatch(/tiny\.json \(tiny\): baseline: 12 connections exceed the reference daemon's per-IP limit of 10; set env\.EXAI_MAX_CONNECTIONS_PER_IP >= 12/);
    expect(() => planScenarios([tiny({ clients: 12, env: { EXAI_MAX_CONNECTIONS_PER_IP: 12 } })], {}, 1)).not.toThrow();
    // A spawned target has its own limits: not ours to check.
    expect(() => planScenarios([tiny({ clients: 12 })], { baseline: 'spawn:x', instrumented: 'spawn:y' }, 1)).not.toThrow();
  });

  it('collects every problem: a bad --backend, a bad target, across scenarios', () => {
    expect(() => planScenarios([tiny()], { backend: 'fastest', baseline: 'tcp://x' }, 1)).toThrow(
      /--backend "fastest": expected one of none, legacy, sampled, prom, otel, fast; tiny\.json \(tiny\): baseline: target "tcp:\/\/x"/,
    );
  });

  it('a scenario seed depends on the run seed and the name only', async () => {
    const loaded = await loadScenarios(['hot-path-open', 'many-idle']);
    const both = planScenarios(loaded, {}, 9);
    const alone = planScenarios([loaded[1]], {}, 9);
    expect(alone[0].seed).toBe(both[1].seed);
    expect(planScenarios([loaded[1]], {}, 10)[0].seed).not.toBe(alone[0].seed);
  });
});

describe('the round plan of each design', () => {
  it('duet is the default (calibration: half the A/A noise of interleaved, README)', () => {
    const [p] = planScenarios([tiny()], { baseline: 'spawn:x', instrumented: 'spawn:y' }, 3);
    expect(p.scenario.design).toBe('duet');
  });

  it('interleaved: both variants once per round, in the seeded order', () => {
    const [p] = planScenarios([tiny({ rounds: 6, design: 'interleaved' })], { baseline: 'spawn:x', instrumented: 'spawn:y' }, 3);
    expect(p.scenario.design).toBe('interleaved');
    const plans = roundPlans(p.scenario, p.seed);
    expect(plans.map((r) => r.round)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const r of plans) {
      expect(r.design).toBe('interleaved');
      if (r.design === 'interleaved') expect([...r.order].sort()).toEqual(['baseline', 'instrumented']);
    }
    expect(roundPlans(p.scenario, p.seed)).toEqual(plans);
  });

  it('duet: both variants every round on different cores, swapped each round (baseline on core 0 in even rounds)', () => {
    const [p] = planScenarios([tiny({ rounds: 5, design: 'duet' })], { baseline: 'spawn:x', instrumented: 'spawn:y' }, 3);
    const plans = roundPlans(p.scenario, p.seed);
    expect(plans.map((r) => (r.design === 'duet' ? [r.round, r.slots.baseline, r.slots.instrumented] : null))).toEqual([
      [1, 1, 0],
      [2, 0, 1],
      [3, 1, 0],
      [4, 0, 1],
      [5, 1, 0],
    ]);
    // The initial warm-up (round 0) is an even round.
    expect(duetSlots(0)).toEqual({ baseline: 0, instrumented: 1 });
    // Half the window time of the interleaved design: both variants run at once.
    const [q] = planScenarios([tiny({ rounds: 5, design: 'interleaved' })], { baseline: 'spawn:x', instrumented: 'spawn:y' }, 3);
    expect(p.plannedSec * 2).toBe(q.plannedSec);
  });

  it('a profile may choose the design', () => {
    const [p] = planScenarios([tiny({ profiles: { ci: { design: 'duet' } } })], { profile: 'ci', baseline: 'spawn:x', instrumented: 'spawn:y' }, 1);
    expect(p.scenario.design).toBe('duet');
    const [q] = planScenarios([tiny({ design: 'duet', profiles: { smoke: { design: 'interleaved' } } })], { profile: 'smoke', baseline: 'spawn:x', instrumented: 'spawn:y' }, 1);
    expect(q.scenario.design).toBe('interleaved');
    expect(() => scenarioSchema().parse({ ...tiny().scenario, profiles: undefined, design: 'parallel' })).toThrow(/interleaved.*duet|duet/);
  });
});

describe('rounds spread over pairs of processes (`processes`)', () => {
  it('gives each pair a contiguous block of rounds, as even as they go', () => {
    const of = (rounds: number, p: number) => Array.from({ length: rounds }, (_, i) => processOfRound(i + 1, rounds, p));
    expect(of(12, 3)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    expect(of(10, 3)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 3]);
    expect(of(5, 1)).toEqual([1, 1, 1, 1, 1]);
    expect(() => processOfRound(0, 5, 2)).toThrow(/round 0 of 5/);
    // A sequential batch of 4 more rounds gets pairs of its own.
    expect(Array.from({ length: 8 }, (_, i) => pairOfRound(i + 1, { rounds: 4, processes: 2 }))).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('takes --processes and a profile\'s value, counts every pair\'s warm-up in the planned time, and refuses more pairs than rounds', () => {
    const [p] = planScenarios([tiny({ rounds: 6, warmupSec: 1, measureSec: 2, profiles: { ci: { processes: 3 } } })], { profile: 'ci', baseline: 'spawn:x', instrumented: 'spawn:y' }, 1);
    expect(p.scenario.processes).toBe(3);
    // A duet: 3 pairs x 4 s of initial warm-up + 6 x (1 + 2).
    expect(p.plannedSec).toBe(30);
    const [q] = planScenarios([tiny({ rounds: 6 })], { processes: 2, baseline: 'spawn:x', instrumented: 'spawn:y' }, 1);
    expect(q.scenario.processes).toBe(2);
    expect(() => planScenarios([tiny({ rounds: 2 })], { processes: 3, baseline: 'spawn:x', instrumented: 'spawn:y' }, 1)).toThrow(/processes \(3\) exceeds rounds \(2\)/);
    expect(() => scenarioSchema().parse({ ...tiny().scenario, processes: 0 })).toThrow();
  });

  it("gives --rounds below a scenario's own pairs as many pairs as rounds", () => {
    const [p] = planScenarios([tiny({ rounds: 6, processes: 2 })], { rounds: 1, baseline: 'spawn:x', instrumented: 'spawn:y' }, 1);
    expect(p.scenario).toMatchObject({ rounds: 1, processes: 1 });
    const [q] = planScenarios([tiny({ rounds: 6, processes: 2 })], { rounds: 4, baseline: 'spawn:x', instrumented: 'spawn:y' }, 1);
    expect(q.scenario).toMatchObject({ rounds: 4, processes: 2 });
  });
});

describe('a known pair luck (--calibration, the scenario\'s pairLuck)', () => {
  const fromFile = { cpuPerRequest: { sd: 0.02, n: 6, from: 'the calibration c.json' } };
  const pairLuck = new Map([['tiny', fromFile]]);
  const own = { cpuPerRequest: { sdPct: 1.5, n: 9 } };
  it('goes to the plans of the scenarios the file names, whatever their pairs of processes', () => {
    const [one] = planScenarios([tiny({ rounds: 6 })], { pairLuck, baseline: 'spawn:x', instrumented: 'spawn:y' }, 1);
    expect(one.pairLuck).toEqual(fromFile);
    const [spread] = planScenarios([tiny({ rounds: 6 })], { pairLuck, processes: 3, baseline: 'spawn:x', instrumented: 'spawn:y' }, 1);
    expect(spread.pairLuck).toEqual(fromFile);
    const [other] = planScenarios([tiny({ name: 'other', rounds: 6 })], { pairLuck, baseline: 'spawn:x', instrumented: 'spawn:y' }, 1);
    expect(other.pairLuck).toBeUndefined();
  });

  it("falls back to the scenario's own pairLuck, which the file overrides and a calibration (knownLuck: false) drops", () => {
    const [mine] = planScenarios([tiny({ rounds: 6, pairLuck: own })], { baseline: 'spawn:x', instrumented: 'spawn:y' }, 1);
    expect(mine.pairLuck?.cpuPerRequest).toEqual({ sd: Math.log1p(0.015), n: 9, from: "the scenario's pairLuck" });
    const [file] = planScenarios([tiny({ rounds: 6, pairLuck: own })], { pairLuck, baseline: 'spawn:x', instrumented: 'spawn:y' }, 1);
    expect(file.pairLuck).toEqual(fromFile);
    const [raw] = planScenarios([tiny({ rounds: 6, pairLuck: own })], { pairLuck, knownLuck: false, baseline: 'spawn:x', instrumented: 'spawn:y' }, 1);
    expect(raw.pairLuck).toBeUndefined();
  });

  it("carries a latency percentile's and throughput's luck beside CPU's, each as the scenario gives it", () => {
    const [mine] = planScenarios([tiny({ rounds: 6, pairLuck: { p50: { sdPct: 1, n: 20 }, p99: { sdPct: 10, n: 20 }, throughput: { sdPct: 2, n: 8 } } })], { baseline: 'spawn:x', instrumented: 'spawn:y' }, 1);
    expect(mine.pairLuck).toEqual({
      p50: { sd: Math.log1p(0.01), n: 20, from: "the scenario's pairLuck" },
      p99: { sd: Math.log1p(0.1), n: 20, from: "the scenario's pairLuck" },
      throughput: { sd: Math.log1p(0.02), n: 8, from: "the scenario's pairLuck" },
    });
  });

  it('comes with every built-in scenario, so the gate counts it with no flag', async () => {
    const plans = planScenarios(await loadScenarios([]), { profile: 'ci' }, 1);
    expect(plans.length).toBeGreaterThan(5);
    for (const p of plans) expect(p.pairLuck?.cpuPerRequest?.from, p.scenario.name).toBe("the scenario's pairLuck");
  });
});

describe("a pair of processes' V8 seed", () => {
  it('is the same for both variants of a pair (one call per pair), new for every pair and scenario seed, never 0', () => {
    const seeds = new Set<number>();
    for (const scenarioSeed of [0, 1, 42, 0xffffffff]) for (let pair = 1; pair <= 20; pair++) seeds.add(layoutSeed(scenarioSeed, pair));
    expect(seeds.size).toBe(80);
    expect(seeds.has(0)).toBe(false);
    for (const s of seeds) expect(s).toBeLessThan(2 ** 31);
    expect(layoutSeed(42, 3)).toBe(layoutSeed(42, 3));
  });
});
