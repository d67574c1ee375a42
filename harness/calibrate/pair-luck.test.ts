/** --calibration: a calibration file's pair luck, by scenario, for one-pair intervals. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../common/exit-codes.ts';
import { calibrationFlag, readPairLuck } from './pair-luck.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'overbench-pair-luck-'));
const scenario = (name: string, pairLuck?: object) => ({
  name,
  profile: 'ci',
  rounds: 12,
  aa: { repeats: 3, falseFailRate: 0, falseInconclusiveRate: 0, halfWidthPct: { cpuPerRequest: 1 } },
  injected: [],
  mdePct: { cpuPerRequest: 1.8 },
  ...(pairLuck && { pairLuck }),
});
const file = path.join(dir, 'calibration.json');
writeFileSync(
  file,
  JSON.stringify({
    schemaVersion: 1,
    scenarios: [scenario('hot-path-open', { cpuPerRequest: { sdPct: 2, n: 6, mdePct: 6, covered: 6 } }), scenario('chat-realistic')],
  }),
);

describe('readPairLuck', () => {
  it('reads each calibrated scenario\'s CPU luck as a log-ratio sd', () => {
    const pairLuck = readPairLuck(file);
    expect(pairLuck.get('hot-path-open')!.cpuPerRequest).toBeCloseTo(Math.log(1.02), 12);
    // A calibration spread over pairs (or too short) records no luck: that scenario runs without.
    expect(pairLuck.has('chat-realistic')).toBe(false);
  });

  it('a missing file, one that is not JSON and one that is not a calibration are bad input, named', () => {
    expect(() => readPairLuck(path.join(dir, 'nope.json'))).toThrow(UsageError);
    expect(() => readPairLuck(path.join(dir, 'nope.json'))).toThrow(/--calibration .*nope\.json: cannot read it \(ENOENT\)/);
    const text = path.join(dir, 'text.json');
    writeFileSync(text, 'not json');
    expect(() => readPairLuck(text)).toThrow(/text\.json: not JSON$/);
    const other = path.join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'x' }] }));
    expect(() => readPairLuck(other)).toThrow(/other\.json: not a calibration\.json \(scenarios\.0\.profile: /);
  });
});

describe('calibrationFlag', () => {
  it('is undefined without the flag, and warns once about the scenarios the file does not cover', () => {
    const warned: string[] = [];
    expect(calibrationFlag(undefined, ['x'], (l) => warned.push(l))).toBeUndefined();
    expect(calibrationFlag([file], ['hot-path-open'], (l) => warned.push(l))!.size).toBe(1);
    expect(warned).toEqual([]);
    calibrationFlag([file], ['hot-path-open', 'many-idle'], (l) => warned.push(l));
    expect(warned).toEqual([`--calibration ${file}: no one-pair pair luck for many-idle; their intervals count only their own rounds`]);
  });

  it('merges several files, a later file\'s scenario over an earlier one', () => {
    const later = path.join(dir, 'later.json');
    writeFileSync(later, JSON.stringify({ schemaVersion: 1, scenarios: [scenario('many-idle', { cpuPerRequest: { sdPct: 1, n: 6, mdePct: 3, covered: 6 } }), scenario('hot-path-open', { cpuPerRequest: { sdPct: 3, n: 6, mdePct: 8, covered: 5 } })] }));
    const warned: string[] = [];
    const merged = calibrationFlag([file, later], ['hot-path-open', 'many-idle'], (l) => warned.push(l))!;
    expect(merged.get('hot-path-open')!.cpuPerRequest).toBeCloseTo(Math.log(1.03), 12);
    expect(merged.get('many-idle')!.cpuPerRequest).toBeCloseTo(Math.log(1.01), 12);
    expect(warned).toEqual([]);
  });
});
