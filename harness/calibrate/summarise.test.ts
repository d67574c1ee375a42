/** A/A and injected summaries over synthetic runs whose comparisons come from the real statistics. */
import { describe, expect, it } from 'vitest';
import { realisticScenario } from '../report/testing/result-fixture.ts';
import { createRng } from '../../common/latency.ts';
import { burnLevels, intervalHonesty, logToPct, pctToLog, pooledTau, type KnownTruth } from './power.ts';
import { compareRounds } from '../run/compare-rounds.ts';
import { analyseAa, cpuLuckEvidence, cpuPairLuck, injectedLevel, judgedWithPairLuck, knownCpuTruths, spreadLuckEvidence, spreadPairLuck, roundChanges, roundsAlone, type CalibrationRun } from './summarise.ts';

// The fixture adds its own defaults for the metrics not named here.
const BUDGETS = { p50: 5, p95: 10, p99: 15, throughput: 1, cpuPerRequest: 10 };

describe('analyseAa', () => {
  const runs = [1, 2, 3].map((seed) => ({ seed, result: realisticScenario({ name: 'aa', slowdown: 1, noise: 0.02, rounds: 6, budgets: BUDGETS, seed }) }));

  it('rates, half-widths, MDE and rounds per compared metric, and the baseline CPU per request', () => {
    const a = analyseAa(runs, 6);
    expect(a.aa.repeats).toBe(3);
    expect(a.aa.falseFailRate! + a.aa.falseInconclusiveRate!).toBeLessThanOrEqual(1);
    expect(Object.keys(a.mdePct)).toEqual(['p50', 'p95', 'p99', 'throughput', 'cpuPerRequest']);
    for (const m of Object.keys(BUDGETS)) {
      expect(a.aa.halfWidthPct[m]).toBeGreaterThan(0);
      expect(a.mdePct[m]).toBeGreaterThan(0);
      expect(a.roundsFor[m]).toBeGreaterThanOrEqual(1);
    }
    expect(a.budgetsPct).toEqual(BUDGETS);
    // The fixture's windows cost ~180 us per request.
    expect(a.baselineCpuPerRequestUs).toBeGreaterThan(150);
    expect(a.baselineCpuPerRequestUs).toBeLessThan(210);
    expect(a.aa.runs!.map((r) => r.seed)).toEqual([1, 2, 3]);
  });

  it('counts the A/A intervals that hold the true 0, per metric', () => {
    const a = analyseAa(runs, 6);
    const held = (m: string) =>
      runs.map((r) => r.result.comparisons.find((c) => c.metric === m)!).filter((c) => c.ciLowPct! <= 0 && 0 <= c.ciHighPct!).length / runs.length;
    for (const m of Object.keys(BUDGETS)) expect(a.aa.coversZero![m]).toBe(held(m));
    // A run whose interval sits off 0 lowers it: a shifted "A/A" (a 20% slowdown) holds 0 nowhere.
    const shifted = [1, 2].map((seed) => ({ seed, result: realisticScenario({ name: 'aa', slowdown: 1.2, noise: 0.01, rounds: 8, budgets: BUDGETS, seed }) }));
    expect(analyseAa(shifted, 8).aa.coversZero!.cpuPerRequest).toBe(0);
  });

  it('gives the spread of the repeats\' estimates beside their intervals', () => {
    const a = analyseAa(runs, 6);
    const e = runs.map((r) => r.result.comparisons.find((c) => c.metric === 'cpuPerRequest')!.estimatePct!);
    const m = e.reduce((s, x) => s + x, 0) / e.length;
    const sd = Math.sqrt(e.reduce((s, x) => s + (x - m) ** 2, 0) / (e.length - 1));
    expect(a.aa.estimateSdPct!.cpuPerRequest).toBeCloseTo(sd, 12);
    expect(analyseAa(runs.slice(0, 1), 6).aa.estimateSdPct!.cpuPerRequest).toBeNull();
  });

  it('leaves an errored repeat out of the rates and says so', () => {
    const broken = { seed: 9, result: realisticScenario({ name: 'aa', slowdown: 1, rounds: 6, budgets: BUDGETS, error: 'target died' }) };
    const a = analyseAa([...runs, broken], 6);
    expect(a.aa.repeats).toBe(3);
    expect(a.aa.runs!.at(-1)).toEqual({ seed: 9, verdict: null, error: 'target died' });
  });

  it('per-round changes are oriented so that positive is worse (a throughput drop is positive)', () => {
    const slower = realisticScenario({ name: 'x', slowdown: 1.2, noise: 0, rounds: 4, budgets: BUDGETS });
    expect(Math.min(...roundChanges('cpuPerRequest', slower))).toBeGreaterThan(0.1);
    expect(Math.min(...roundChanges('throughput', slower))).toBeGreaterThan(0.1);
  });
});

describe('injectedLevel', () => {
  it('a known 10% shift is found and its interval covers the expected overhead', () => {
    const [, , oneX] = burnLevels(180, 10);
    expect(oneX.expectedPct).toBe(10);
    const run = { seed: 4, result: realisticScenario({ name: 'burn', slowdown: 1.1, noise: 0.01, rounds: 10, budgets: BUDGETS, seed: 4 }) };
    const level = injectedLevel(oneX, run, 'injected');
    expect(level.burnUs).toBe(18);
    expect(level.estimatePct).toBeGreaterThan(8);
    expect(level.estimatePct).toBeLessThan(12);
    expect(level.coverage).toBe(true);
    expect(level.source).toBe('injected');
  });

  it("judges the interval against the burn over the run's own baseline, not the A/A figure that sized the level", () => {
    // Sized for 10% of a 150 us A/A baseline (15 us); this run's baseline costs 180 us, so 15 us adds 8.33%.
    const [, , oneX] = burnLevels(150, 10);
    const run = { seed: 4, result: realisticScenario({ name: 'burn', slowdown: 1 + 15 / 180, noise: 0.01, rounds: 10, budgets: BUDGETS, seed: 4 }) };
    const level = injectedLevel(oneX, run, 'injected');
    expect(level.runBaselineCpuPerRequestUs).toBeCloseTo(180, -1);
    expect(level.plannedPct).toBe(10);
    expect(level.expectedPct).toBeCloseTo((100 * 15) / level.runBaselineCpuPerRequestUs!, 9);
    expect(level.expectedPct).toBeLessThan(9);
    expect(level.ciHighPct).toBeLessThan(10);
    expect(level.coverage).toBe(true);
  });

  it('a run without a cpuPerRequest comparison is inconclusive with no interval', () => {
    const result = realisticScenario({ name: 'burn', rounds: 6, budgets: BUDGETS });
    const run = { seed: 4, result: { ...result, comparisons: result.comparisons.filter((c) => c.metric !== 'cpuPerRequest') } };
    const level = injectedLevel(burnLevels(180, 10)[1], run, 'injected');
    expect(level).toMatchObject({ estimatePct: null, ciLowPct: null, ciHighPct: null, verdict: 'inconclusive', coverage: null });
  });
});

describe('knownCpuTruths', () => {
  const aa = [1, 2, 3].map((seed) => ({ seed, result: realisticScenario({ name: 'aa', slowdown: 1, noise: 0.02, rounds: 6, budgets: BUDGETS, seed }) }));
  const levels = burnLevels(180, 10);
  const burn = { seed: 4, result: realisticScenario({ name: 'burn', slowdown: 1.1, noise: 0.01, rounds: 10, budgets: BUDGETS, seed: 4 }) };
  const cpu = (r: (typeof aa)[number]) => r.result.comparisons.find((c) => c.metric === 'cpuPerRequest')!;

  it('judges every A/A interval against 0 and every injected level that ran on its own against its expected', () => {
    const known = knownCpuTruths(aa, [{ level: levels[0], run: aa[0], source: 'aa' }, { level: levels[2], run: burn, source: 'injected' }]).map(({ run: _, ...k }) => k);
    // The zero level is the first A/A run again: counted once.
    expect(known).toHaveLength(4);
    expect(known).toEqual([
      ...aa.map((r) => ({ truthPct: 0, estimatePct: cpu(r).estimatePct!, ciLowPct: cpu(r).ciLowPct!, ciHighPct: cpu(r).ciHighPct! })),
      // The injected level's truth: its 18 us over the baseline measured in its own run.
      { truthPct: (100 * 18) / cpu(burn).baselineMedian!, estimatePct: cpu(burn).estimatePct!, ciLowPct: cpu(burn).ciLowPct!, ciHighPct: cpu(burn).ciHighPct! },
    ]);
  });

  it('a shifted "A/A" (the builds differ by 20%) is flagged: its intervals are far from the truth they claim', () => {
    const shifted = [1, 2, 3].map((seed) => ({ seed, result: realisticScenario({ name: 'aa', slowdown: 1.2, noise: 0.01, rounds: 8, budgets: BUDGETS, seed }) }));
    const h = intervalHonesty(knownCpuTruths(shifted, []))!;
    expect(h.scale).toBeGreaterThan(5);
    expect(h.pValue).toBeLessThan(0.001);
  });
});

describe('cpuPairLuck', () => {
  // Intervals of +-1% (se 0.51%) from pairs whose offsets have sd 2%: the rounds cannot see it.
  const lucky = (n: number, seed: number): KnownTruth[] => {
    const rng = createRng(seed);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    return Array.from({ length: n }, (_, i) => {
      const truthPct = (i % 4) * 5;
      const est = pctToLog(truthPct) + 0.02 * normal() + 0.0051 * normal();
      return { truthPct, estimatePct: logToPct(est), ciLowPct: logToPct(est - 0.01), ciHighPct: logToPct(est + 0.01) };
    });
  };

  it('measures the luck the intervals miss, and intervals widened by it hold their truth (judged out of sample)', () => {
    const known = lucky(400, 7);
    expect(intervalHonesty(known)!.scale).toBeGreaterThan(3);
    const luck = cpuPairLuck(known, 1.5, 1)!;
    expect(luck.sdPct).toBeGreaterThan(1.8);
    expect(luck.sdPct).toBeLessThan(2.2);
    expect(luck.honesty!.scale).toBeGreaterThan(0.9);
    expect(luck.honesty!.scale).toBeLessThan(1.1);
    expect(luck.covered / luck.n).toBeGreaterThan(0.92);
    // The MDE counts the luck: (1.96 + 0.84) * 2% on top of the rounds' 1.5%, in quadrature.
    expect(luck.mdePct).toBeGreaterThan(5.5);
  });

  it('is left out below three intervals', () => {
    expect(cpuPairLuck(lucky(2, 1), 1.5, 1)).toBeNull();
  });

  it("measures one pair's luck from runs over P pairs, whose rounds carry the luck of their mean (sd / sqrt(P))", () => {
    // The same pairs' luck (sd 2%) as above, each interval over 4 pairs: its miss carries 2% / 2.
    const rng = createRng(11);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const known = Array.from({ length: 400 }, (_, i): KnownTruth => {
      const truthPct = (i % 4) * 5;
      const est = pctToLog(truthPct) + (0.02 * normal()) / 2 + 0.0051 * normal();
      return { truthPct, estimatePct: logToPct(est), ciLowPct: logToPct(est - 0.01), ciHighPct: logToPct(est + 0.01) };
    });
    const luck = cpuPairLuck(known, 1.5, 4)!;
    expect(luck.sdPct).toBeGreaterThan(1.8);
    expect(luck.sdPct).toBeLessThan(2.2);
    // Widened by the luck of 4 pairs' mean, they hold their truth as 95% intervals should.
    expect(luck.covered / luck.n).toBeGreaterThan(0.92);
    expect(luck.honesty!.scale).toBeLessThan(1.1);
    // The MDE counts (1.96 + 0.84) * 2% / 2 on top of the rounds' 1.5%: about 3.2%, not 5.8%.
    expect(luck.mdePct).toBeGreaterThan(3);
    expect(luck.mdePct).toBeLessThan(3.5);
    // What other pairs would buy: at 4 the MDE reported, fewer widen it, more narrow it toward the rounds' 1.5%.
    const byPairs = luck.mdeByPairsPct!;
    expect(Object.keys(byPairs)).toEqual(['1', '2', '3', '4', '6', '8']);
    expect(byPairs['4']).toBeCloseTo(luck.mdePct!, 12);
    for (const [a, b] of [['1', '2'], ['2', '3'], ['3', '4'], ['4', '6'], ['6', '8']]) expect(byPairs[a]).toBeGreaterThan(byPairs[b]);
    expect(byPairs['8']).toBeGreaterThan(1.5);
  });
});

describe('roundsAlone (a run over several pairs, its CPU interval as its rounds alone see it)', () => {
  const budgets = { ...BUDGETS, cpuPerRequest: 2 };
  // Three pairs of processes whose offsets are -3%, +3% and 0, the rounds quiet.
  const rounds = [0.97, 1.03, 1.0].flatMap((slowdown, p) =>
    realisticScenario({ name: 'aa', slowdown, noise: 0.003, rounds: 4, budgets, seed: 20 + p }).rounds.map((w) => ({ ...w, round: w.round + 4 * p, process: p + 1 })),
  );
  const asRan: CalibrationRun = { seed: 5, result: { ...realisticScenario({ name: 'aa', rounds: 12, budgets, seed: 5 }), rounds, comparisons: compareRounds(rounds, budgets, 5) } };
  const cpu = (r: CalibrationRun) => r.result.comparisons.find((c) => c.metric === 'cpuPerRequest')!;

  it("replaces the intervals across the pairs by the rounds' own, and keeps the rounds and their pairs", () => {
    const alone = roundsAlone(asRan, budgets);
    expect(cpu(asRan).processes).toBe(3);
    expect(cpu(alone).processes).toBeUndefined();
    // Across the pairs the interval is t on 2 degrees of freedom over the pairs' spread; the rounds' own is narrow.
    expect(cpu(alone).ciHighPct! - cpu(alone).ciLowPct!).toBeLessThan((cpu(asRan).ciHighPct! - cpu(asRan).ciLowPct!) / 3);
    expect(alone.result.rounds).toBe(asRan.result.rounds);
    expect(alone.result.comparisons).toEqual(compareRounds(rounds.map(({ process: _, ...w }) => w), budgets, 5));
  });

  it('leaves a one-pair run as it is', () => {
    const one = { seed: 1, result: realisticScenario({ name: 'aa', rounds: 6, budgets, seed: 1 }) };
    expect(roundsAlone(one, budgets)).toBe(one);
  });

  it('judged with the luck the other runs measured, a run over pairs counts the luck of their mean, pooled with their spread', () => {
    const runs = [0, 1, 2, 3, 4].map((k) => {
      const rs = [0.96 + 0.02 * k, 1.04 - 0.03 * k, 1.0 + 0.01 * k].flatMap((slowdown, p) =>
        realisticScenario({ name: 'aa', slowdown, noise: 0.003, rounds: 4, budgets, seed: 40 + 3 * k + p }).rounds.map((w) => ({ ...w, round: w.round + 4 * p, process: p + 1 })),
      );
      const run: CalibrationRun = { seed: k, result: { ...asRan.result, rounds: rs, comparisons: compareRounds(rs, budgets, k) } };
      return run;
    });
    const alone = runs.map((r) => roundsAlone(r, budgets));
    const judged = judgedWithPairLuck(knownCpuTruths(alone, []), budgets, 3);
    expect(judged.size).toBe(runs.length);
    for (const r of alone) {
      const c = cpu(judged.get(r)!);
      expect(c.processes).toBe(3);
      expect(c.note).toMatch(/the luck of 3 pairs of processes' mean, sd [\d.]+%, from the calibration's other runs and their spread\)$/);
      expect(c.ciHighPct! - c.ciLowPct!).toBeGreaterThan(cpu(r).ciHighPct! - cpu(r).ciLowPct!);
      expect(c.ciLowPct!).toBeLessThanOrEqual(0);
      expect(c.ciHighPct!).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('judgedWithPairLuck (what calibration.json reports: as a gate given the calibration draws it)', () => {
  // A/A runs whose pairs of processes carry lucks of -5% to +5% (the slowdown), each run's rounds
  // quiet: every run's own interval is narrow and most miss the true 0.
  const slowdowns = [0.95, 1.05, 0.97, 1.04, 1.0, 1.045];
  const runs = slowdowns.map((slowdown, i) => ({ seed: i + 1, result: realisticScenario({ name: 'aa', slowdown, noise: 0.003, rounds: 8, budgets: { ...BUDGETS, cpuPerRequest: 2 }, seed: i + 1 }) }));
  const cpu = (r: (typeof runs)[number]) => r.result.comparisons.find((c) => c.metric === 'cpuPerRequest')!;

  it("widens each run's CPU interval by the luck the other runs measured, re-judges it and the scenario, and leaves the other metrics alone", () => {
    const known = knownCpuTruths(runs, []);
    const judged = judgedWithPairLuck(known, { ...BUDGETS, cpuPerRequest: 2 });
    expect(judged.size).toBe(runs.length);
    const raw = runs.map(cpu);
    expect(raw.filter((c) => c.ciLowPct! <= 0 && 0 <= c.ciHighPct!).length).toBeLessThan(3);
    expect(raw.filter((c) => c.verdict === 'fail').length).toBeGreaterThan(0);
    for (const r of runs) {
      const j = judged.get(r)!;
      const c = cpu(j);
      expect(Math.abs(c.estimatePct! - cpu(r).estimatePct!)).toBeLessThan(0.5); // the fixture took the mean, the gate the Hodges-Lehmann shift
      expect(c.ciHighPct! - c.ciLowPct!).toBeGreaterThan(cpu(r).ciHighPct! - cpu(r).ciLowPct! + 2);
      expect(c.note).toMatch(/from the calibration's other runs\)$/);
      expect(j.result.comparisons.filter((x) => x.metric !== 'cpuPerRequest')).toEqual(r.result.comparisons.filter((x) => x.metric !== 'cpuPerRequest'));
      expect(c.verdict).not.toBe('fail');
      expect(j.result.verdict === 'fail').toBe(j.result.comparisons.some((x) => x.verdict === 'fail'));
    }
    // Judged, the intervals hold the true 0: no run vouched for itself.
    expect([...judged.values()].map(cpu).filter((c) => c.ciLowPct! <= 0 && 0 <= c.ciHighPct!).length).toBe(runs.length);
  });

  it('leaves a run as it is when the others are too few to give a luck', () => {
    const two = knownCpuTruths(runs.slice(0, 2), []);
    expect(judgedWithPairLuck(two, BUDGETS).size).toBe(0);
  });
});

describe('the latency percentiles\' and throughput\'s pair luck (spreadLuckEvidence, spreadPairLuck)', () => {
  const budgets = { ...BUDGETS, p50: 50 };
  // Runs of `pairs` pairs of processes, each pair's offset drawn with sd `tau` (log), the rounds quiet.
  const runsOf = (count: number, pairs: number, tau: number, seed: number): CalibrationRun[] => {
    const rng = createRng(seed);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    return Array.from({ length: count }, (_, k) => {
      const rounds = Array.from({ length: pairs }, (_, p) => Math.exp(tau * normal())).flatMap((slowdown, p) =>
        realisticScenario({ name: 'r', slowdown, noise: 0.002, rounds: 4, budgets, requestsPerRound: 4000, seed: seed * 100 + k * 10 + p }).rounds.map((w) => ({ ...w, round: w.round + 4 * p, process: p + 1 })),
      );
      return { seed: k, result: { ...realisticScenario({ name: 'r', rounds: 4, budgets, seed: k }), rounds, comparisons: compareRounds(rounds, budgets, k) } };
    });
  };

  it('over several pairs: the spread of each run\'s pairs beyond their rounds\' noise, pooled by degrees of freedom', () => {
    const runs = runsOf(12, 4, 0.03, 3);
    const evidence = spreadLuckEvidence('p50', runs, [], 4);
    expect(evidence).toHaveLength(12);
    expect(evidence.every((e) => e.df === 3)).toBe(true);
    const luck = spreadPairLuck({ p50: evidence }, 4).p50!;
    expect(luck).toMatchObject({ n: 36, from: 'pairs' });
    expect(luck.sdPct).toBeGreaterThan(2.2);
    expect(luck.sdPct).toBeLessThan(3.8);
    // Pairs with no luck of their own read (nearly) none: the floor is applied after pooling, not per run.
    const quiet = spreadPairLuck({ p50: spreadLuckEvidence('p50', runsOf(12, 4, 0, 4), [], 4) }, 4).p50!;
    expect(quiet.sdPct).toBeLessThan(0.8);
    expect(spreadLuckEvidence('p50', runsOf(12, 4, 0, 4), [], 4).some((e) => e.tau2 < 0)).toBe(true);
  });

  it('throughput too: a slower pair of processes serves fewer requests, and its luck is measured the same way', () => {
    const luck = spreadPairLuck({ throughput: spreadLuckEvidence('throughput', runsOf(12, 4, 0.03, 7), [], 4) }, 4).throughput!;
    expect(luck).toMatchObject({ n: 36, from: 'pairs' });
    expect(luck.sdPct).toBeGreaterThan(2.2);
    expect(luck.sdPct).toBeLessThan(3.8);
  });

  it('over one pair: the A/A runs\' misses of their true 0 beyond their standard errors, one degree each', () => {
    const aa = [0.97, 1.03, 1.0, 1.02].map((slowdown, i) => ({ seed: i, result: realisticScenario({ name: 'aa', slowdown, noise: 0.002, rounds: 8, budgets, requestsPerRound: 4000, seed: 60 + i }) }));
    const evidence = spreadLuckEvidence('p50', [], aa, 1);
    expect(evidence.map((e) => e.df)).toEqual([1, 1, 1, 1]);
    const luck = spreadPairLuck({ p50: evidence }, 1).p50!;
    expect(luck).toMatchObject({ n: 4, from: 'aa' });
    // Offsets of -3%, +3%, 0 and +2%: their root mean square is 2.4%, the rounds' noise aside.
    expect(luck.sdPct).toBeGreaterThan(1.5);
    expect(luck.sdPct).toBeLessThan(3.5);
    expect(pooledTau(evidence.slice(0, 1))).toBeNull();
  });

  it('judged as a gate given the calibration: each percentile counts the luck the other runs measured; the metrics without evidence stay as they ran', () => {
    const runs = runsOf(6, 3, 0.03, 5);
    const alone = runs.map((r) => roundsAlone(r, budgets));
    const latency = { p50: spreadLuckEvidence('p50', runs, [], 3).map((e) => ({ ...e, run: alone[runs.indexOf(e.run)] })) };
    const judged = judgedWithPairLuck(knownCpuTruths(alone, []), budgets, 3, latency);
    expect(judged.size).toBe(6);
    const metric = (r: CalibrationRun, m: string) => r.result.comparisons.find((c) => c.metric === m)!;
    for (const r of alone) {
      const j = judged.get(r)!;
      expect(metric(j, 'p50').note).toMatch(/the luck of 3 pairs of processes' mean, sd [\d.]+%, from the calibration's other runs and their spread\)$/);
      expect(metric(j, 'p50').ciHighPct! - metric(j, 'p50').ciLowPct!).toBeGreaterThan(metric(r, 'p50').ciHighPct! - metric(r, 'p50').ciLowPct!);
      // p95 has no evidence here: its interval is the rounds' own, as roundsAlone left it.
      expect(metric(j, 'p95')).toEqual(metric(r, 'p95'));
    }
  });
});

describe("CPU per request's luck over pairs, from exact truths only (cpuLuckEvidence)", () => {
  const budgets = { ...BUDGETS, cpuPerRequest: 5 };
  const TAU = 0.02;
  // A run over 3 pairs of processes, each pair's offset drawn with sd TAU (log), its true change `shift`.
  const runOf = (shift: number, seed: number): CalibrationRun => {
    const rng = createRng(seed);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const rounds = [0, 1, 2].flatMap((p) =>
      realisticScenario({ name: 'c', slowdown: shift * Math.exp(TAU * normal()), noise: 0.004, rounds: 4, budgets, seed: seed * 10 + p }).rounds.map((w) => ({ ...w, round: w.round + 4 * p, process: p + 1 })),
    );
    return roundsAlone({ seed, result: { ...realisticScenario({ name: 'c', rounds: 4, budgets, seed }), rounds, comparisons: compareRounds(rounds, budgets, seed) } }, budgets);
  };
  const aa = Array.from({ length: 12 }, (_, i) => runOf(1, 300 + i));
  // Injected levels whose burn really costs +15%, where the model (burn over the baseline's CPU
  // per request) expects +10%: a closed loop near its core's capacity, as cluster measured.
  const injected = Array.from({ length: 12 }, (_, i) => runOf(1.15, 400 + i)).map((run) => {
    const baseline = run.result.comparisons.find((c) => c.metric === 'cpuPerRequest')!.baselineMedian!;
    return { level: { multiple: 2, burnUs: 0.1 * baseline, expectedPct: 10 }, run, source: 'injected' as const };
  });
  const known = knownCpuTruths(aa, injected);
  const runs = [...aa, ...injected.map((l) => l.run)];

  it('measures the luck from the pairs\' spread and the A/A misses, unmoved by a biased model of the injected truth', () => {
    const evidence = cpuLuckEvidence(known, runs, aa, 3)!;
    // Two degrees per run from its three pairs, one per A/A run from its miss of 0.
    expect(evidence.reduce((n, e) => n + e.df, 0)).toBe(24 * 2 + 12);
    const luck = cpuPairLuck(known, 1.5, 3, evidence)!;
    expect(luck).toMatchObject({ from: 'pairs', n: 60, judged: 24 });
    expect(luck.sdPct).toBeGreaterThan(1.3);
    expect(luck.sdPct).toBeLessThan(2.7);
    // The known truths' misses take the model's 5-point error for luck.
    const fromMisses = cpuPairLuck(known, 1.5, 3)!;
    expect(fromMisses.from).toBe('truths');
    expect(fromMisses.sdPct).toBeGreaterThan(5);
    // They still judge it: the A/A intervals, widened, hold their 0; the biased levels do not hold 10%.
    expect(luck.covered).toBeGreaterThanOrEqual(11);
    expect(luck.covered).toBeLessThan(18);
  });

  it('judges each run with the luck measured without it', () => {
    const evidence = cpuLuckEvidence(known, runs, aa, 3)!;
    const judged = judgedWithPairLuck(known, budgets, 3, {}, evidence);
    expect(judged.size).toBe(24);
    const note = judged.get(aa[0])!.result.comparisons.find((c) => c.metric === 'cpuPerRequest')!.note;
    expect(note).toMatch(/the luck of 3 pairs of processes' mean, sd [\d.]+%, from the calibration's other runs and their spread\)$/);
  });

  it('is not used at one pair of processes, where the known truths\' misses are all there is', () => {
    expect(cpuLuckEvidence(known, runs, aa, 1)).toBeNull();
  });
});
