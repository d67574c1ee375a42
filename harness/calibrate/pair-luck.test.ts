/** --calibration: a calibration file's pair luck, by scenario, for the runs' CPU intervals. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../common/exit-codes.ts';
import { calibrationFlag, readPairLuck } from './pair-luck.ts';
import type { LoadedScenario } from '../scenario/load.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'overbench-pair-luck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
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
    scenarios: [
      scenario('hot-path-open', { cpuPerRequest: { sdPct: 2, n: 6, mdePct: 6, covered: 6 }, p50: { sdPct: 1, n: 12, from: 'pairs' } }),
      scenario('chat-realistic'),
    ],
  }),
);

describe('readPairLuck', () => {
  it('reads each calibrated scenario\'s CPU luck as a log-ratio sd', async () => {
    const pairLuck = await readPairLuck(file);
    expect(pairLuck.get('hot-path-open')!.cpuPerRequest!.sd).toBeCloseTo(Math.log(1.02), 12);
    expect(pairLuck.get('hot-path-open')!.p50!.sd).toBeCloseTo(Math.log(1.01), 12);
    expect(pairLuck.get('hot-path-open')!.p50!.n).toBe(12);
    // A calibration too short to measure a luck records none: that scenario runs without.
    expect(pairLuck.has('chat-realistic')).toBe(false);
  });

  it('a missing file, one that is not JSON and one that is not a calibration are bad input, named', async () => {
    await expect(readPairLuck(path.join(dir, 'nope.json'))).rejects.toThrow(UsageError);
    await expect(readPairLuck(path.join(dir, 'nope.json'))).rejects.toThrow(/--calibration .*nope\.json: not found$/);
    const text = path.join(dir, 'text.json');
    writeFileSync(text, 'not json');
    await expect(readPairLuck(text)).rejects.toThrow(/--calibration .*text\.json: .*JSON/);
    const other = path.join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ schemaVersion: 1, scenarios: [{ name: 'x' }] }));
    await expect(readPairLuck(other)).rejects.toThrow(/--calibration .*other\.json: field scenarios\.0\.profile: /);
    const result = path.join(dir, 'result.json');
    writeFileSync(result, JSON.stringify({ schemaVersion: 2, scenarios: [] }));
    await expect(readPairLuck(result)).rejects.toThrow(/result\.json: schemaVersion 2 is not supported \(this overbench reads 1\)$/);
  });
});

describe('calibrationFlag', () => {
  const loaded = (name: string, own?: object) => ({ file: `${name}.json`, scenario: { name, ...(own && { pairLuck: own }) } }) as unknown as LoadedScenario;
  it('is undefined without the flag, and warns once about the scenarios that neither the file nor their own pairLuck covers', async () => {
    const warned: string[] = [];
    expect(await calibrationFlag(undefined, [loaded('x')], (l) => warned.push(l))).toBeUndefined();
    expect((await calibrationFlag([file], [loaded('hot-path-open')], (l) => warned.push(l)))!.size).toBe(1);
    expect(warned).toEqual([]);
    await calibrationFlag([file], [loaded('hot-path-open'), loaded('many-idle'), loaded('own', { cpuPerRequest: { sdPct: 1, n: 6 } })], (l) => warned.push(l));
    expect(warned).toEqual([`--calibration ${file}: no pair luck for many-idle; their intervals count only their own rounds`]);
  });

  it('merges several files, a later file\'s scenario over an earlier one', async () => {
    const later = path.join(dir, 'later.json');
    writeFileSync(later, JSON.stringify({ schemaVersion: 1, scenarios: [scenario('many-idle', { cpuPerRequest: { sdPct: 1, n: 6, mdePct: 3, covered: 6 } }), scenario('hot-path-open', { cpuPerRequest: { sdPct: 3, n: 6, mdePct: 8, covered: 5 } })] }));
    const warned: string[] = [];
    const merged = (await calibrationFlag([file, later], [loaded('hot-path-open'), loaded('many-idle')], (l) => warned.push(l)))!;
    expect(merged.get('hot-path-open')!.cpuPerRequest!.sd).toBeCloseTo(Math.log(1.03), 12);
    expect(merged.get('many-idle')!.cpuPerRequest!.sd).toBeCloseTo(Math.log(1.01), 12);
    expect(warned).toEqual([]);
  });
});
