import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Calibration } from '../result/calibration.ts';
import { count, interruptWhen, overbench as runOverbench } from './testing/cli.ts';

/**
 * `overbench calibrate` as a user runs it: flags, exit codes, calibration.json and its copies.
 * Measured values are not asserted (timing is noisy); the shape and the burn ladder are.
 */
let dir: string;
const overbench = (args: string[], opts?: Parameters<typeof runOverbench>[1]) => runOverbench(['calibrate', ...args], opts);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-calibrate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('overbench calibrate', () => {
  it.each([
    [['--repeats', '0'], /^overbench calibrate: --repeats "0": expected an integer >= 1\n$/],
    [['--profile', 'huge'], /^overbench calibrate: --profile "huge": expected one of smoke, ci, full\n$/],
    [['--scenario', 'nope'], /^overbench calibrate: unknown scenario "nope"/],
    [['--frobnicate'], /^overbench calibrate: Unknown option '--frobnicate'\n$/],
  ])('bad input %j: exit 2, one line naming it, nothing written', async (args, message) => {
    const out = path.join(dir, 'bad');
    const ran = await overbench([...args, '--out', out]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(message);
    expect(ran.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('hot-path-open, smoke, 1 repeat of 1 round: exit 0, a calibration.json of the contract shape, 4 increasing burns', async () => {
    const out = path.join(dir, 'out');
    const ran = await overbench(
      ['--scenario', 'hot-path-open', '--profile', 'smoke', '--repeats', '1', '--rounds', '1', '--seed', '5', '--out', out, '--json'],
      { timeoutMs: 90_000 },
    );
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const printed = Calibration.parse(JSON.parse(ran.stdout));
    const runDir = path.join(out, printed.runId!);
    const file = path.join(runDir, 'calibration.json');
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(Calibration.parse(raw)).toEqual(printed);
    expect(JSON.parse(readFileSync(path.join(out, 'latest-calibration.json'), 'utf8'))).toEqual(raw);
    expect(readFileSync(path.join(runDir, 'summary.md'), 'utf8')).toMatch(/^# overbench calibration/);
    const html = readFileSync(path.join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('<section id="calibration">');
    expect(html).toMatch(/<h3>hot-path-open<\/h3>/);

    expect(raw.schemaVersion).toBe(1);
    expect(printed.scenarios).toHaveLength(1);
    const s = printed.scenarios[0];
    expect(s).toMatchObject({ name: 'hot-path-open', profile: 'smoke', rounds: 1 });
    expect(Object.keys(s).slice(0, 6)).toEqual(['name', 'profile', 'rounds', 'aa', 'injected', 'mdePct']);
    expect(s.aa.repeats).toBe(1);
    expect(Object.keys(s.aa.halfWidthPct)).toContain('cpuPerRequest');
    expect(Object.keys(s.mdePct)).toContain('cpuPerRequest');
    expect(s.injected).toHaveLength(4);
    const burns = s.injected.map((l) => l.burnUs);
    expect(burns[0]).toBe(0);
    for (let i = 1; i < burns.length; i++) expect(burns[i]).toBeGreaterThan(burns[i - 1]);
    for (const l of s.injected) expect(Object.keys(l)).toEqual(expect.arrayContaining(['burnUs', 'expectedPct', 'estimatePct', 'ciLowPct', 'ciHighPct', 'verdict']));
  }, 100_000);

  it("--processes 2: each run over two pairs; the pair luck measured from the rounds' own intervals and counted as a gate counts it", async () => {
    const out = path.join(dir, 'out-pairs');
    const ran = await overbench(
      ['--scenario', 'hot-path-open', '--profile', 'smoke', '--repeats', '1', '--rounds', '6', '--processes', '2', '--seed', '7', '--out', out, '--json'],
      { timeoutMs: 150_000 },
    );
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const s = Calibration.parse(JSON.parse(ran.stdout)).scenarios[0];
    expect(s).toMatchObject({ name: 'hot-path-open', rounds: 6, processes: 2 });
    // CPU's luck from exact truths: each of the four runs' two pairs (one degree of freedom a run)
    // and the A/A run's miss of 0 (one); the four intervals with a known truth are judged by it.
    const luck = s.pairLuck!.cpuPerRequest!;
    expect(luck).toMatchObject({ from: 'pairs', n: 5, judged: 4 });
    // The latency percentiles' and throughput's luck from each run's two pairs (one degree of freedom a run).
    expect(s.pairLuck!.p50).toMatchObject({ from: 'pairs', n: 4 });
    expect(s.pairLuck!.throughput).toMatchObject({ from: 'pairs', n: 4 });
    expect(luck.sdPct).toBeGreaterThanOrEqual(0);
    const injected = s.injected.filter((l) => l.source === 'injected');
    expect(injected).toHaveLength(3);
    for (const l of injected) {
      // The rounds' own interval beside the one the gate would draw, which holds it.
      expect(l.roundsCi).toBeDefined();
      expect(l.ciLowPct!).toBeLessThanOrEqual(l.roundsCi!.ciLowPct! + 1e-9);
      expect(l.ciHighPct!).toBeGreaterThanOrEqual(l.roundsCi!.ciHighPct! - 1e-9);
    }
    expect(s.roundsMdePct!.cpuPerRequest).toBeGreaterThan(0);
    expect(s.mdePct.cpuPerRequest!).toBeGreaterThanOrEqual(s.roundsMdePct!.cpuPerRequest! - 1e-9);
  }, 160_000);

  it('SIGTERM during an A/A run: exit 143, no daemon, fakes or driver left, nothing written', async () => {
    const out = path.join(dir, 'out-sigterm');
    const ready = (cmds: string[]) => count(cmds, 'daemon/main.ts') === 2 && count(cmds, 'driver/main.ts') >= 1;
    const { ran, seen, left } = await interruptWhen(
      ['calibrate', '--scenario', 'hot-path-open', '--profile', 'smoke', '--repeats', '1', '--out', out],
      { ready, delayMs: 1000, timeoutMs: 60_000, signal: 'SIGTERM' },
    );
    expect(ran.code).toBe(143);
    expect(count(seen, 'fakes/main.ts')).toBe(2); // a world per variant
    expect(count(seen, 'daemon/main.ts')).toBe(2);
    expect(left).toEqual([]);
    expect(existsSync(out)).toBe(false);
  }, 70_000);
});
