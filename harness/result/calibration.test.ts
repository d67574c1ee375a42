/** calibration.json: the shape other tools read, checked on a synthetic calibration. */
import { describe, expect, it } from 'vitest';
import { Calibration, describeIntervalHonesty, describePairLuck } from './calibration.ts';

const level = (burnUs: number, expectedPct: number) => ({ burnUs, expectedPct, estimatePct: expectedPct + 1, ciLowPct: expectedPct - 4, ciHighPct: expectedPct + 6, verdict: 'inconclusive' });

const SYNTHETIC = {
  schemaVersion: 1,
  scenarios: [
    {
      name: 'hot-path-open',
      profile: 'ci',
      rounds: 5,
      aa: { repeats: 3, falseFailRate: 0, falseInconclusiveRate: 2 / 3, halfWidthPct: { p50: 2.1, cpuPerRequest: 4.2 } },
      injected: [level(0, 0), level(8, 5), level(16, 10), level(32, 20)],
      mdePct: { p50: 3.3, cpuPerRequest: 9.9 },
    },
  ],
};

describe('Calibration schema', () => {
  it('accepts the required shape, and detail fields beside it', () => {
    expect(Calibration.parse(SYNTHETIC)).toEqual(SYNTHETIC);
    const detailed = structuredClone(SYNTHETIC) as typeof SYNTHETIC & Record<string, unknown>;
    Object.assign(detailed.scenarios[0], { baselineCpuPerRequestUs: 160, roundsFor: { cpuPerRequest: 6 }, notes: ['x'] });
    Object.assign(detailed.scenarios[0].injected[2], { coverage: true, multiple: 1, source: 'injected', seed: 5 });
    expect(Calibration.safeParse(detailed).success).toBe(true);
  });

  it('rejects a missing required field, a wrong version, a bad verdict and a rate above 1', () => {
    const bad = (mutate: (c: any) => void) => {
      const c = structuredClone(SYNTHETIC);
      mutate(c);
      return Calibration.safeParse(c).success;
    };
    expect(bad((c) => delete c.scenarios[0].mdePct)).toBe(false);
    expect(bad((c) => delete c.scenarios[0].aa.falseFailRate)).toBe(false);
    expect(bad((c) => delete c.scenarios[0].injected[0].ciLowPct)).toBe(false);
    expect(bad((c) => (c.schemaVersion = 2))).toBe(false);
    expect(bad((c) => (c.scenarios[0].injected[1].verdict = 'maybe'))).toBe(false);
    expect(bad((c) => (c.scenarios[0].aa.falseFailRate = 1.5))).toBe(false);
  });
});

describe('describeIntervalHonesty', () => {
  it('calls honest intervals honest, and too narrow ones too narrow with the remedy for one pair or several', () => {
    expect(describeIntervalHonesty({ n: 6, scale: 1.1, chiSquare: 7.3, pValue: 0.29 }, undefined)).toMatch(/p = 0\.290: as wide as the truth needs\.$/);
    const narrow = { n: 6, scale: 2.6, chiSquare: 40.6, pValue: 0.0000004 };
    expect(describeIntervalHonesty(narrow, undefined)).toMatch(/p < 0\.001: the intervals are 2\.6x too narrow; each pair of processes carries luck .* --processes \(4 or more\)/);
    expect(describeIntervalHonesty(narrow, 6)).toMatch(/the spread between this run's 6 pairs of processes does not hold it either: more pairs, or the expected is off \(a burn that costs the daemon more than its own length reads high at every level\)\.$/);
  });
});

describe('describePairLuck', () => {
  it('names the luck, the MDE with it, the out-of-sample check and the flag that uses it', () => {
    const line = describePairLuck({ sdPct: 2.45, n: 6, mdePct: 7.27, covered: 6, honesty: { n: 6, scale: 1.0, chiSquare: 6, pValue: 0.42 } });
    expect(line).toMatch(/^CPU per request, one pair of processes carries an offset of sd 2\.5% that its rounds cannot see \(from 6 intervals with a known truth\); the MDE with it 7\.3%\./);
    expect(line).toContain('held its truth in 6 of 6, root mean square miss 1.0 standard errors (p = 0.42)');
    expect(line).toContain('`--calibration`');
    expect(line).toContain('`pairLuck: { cpuPerRequest: { sdPct, n } }` in the scenario');
  });
});
