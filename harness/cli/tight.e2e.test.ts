import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Result } from '../result/schema.ts';
import { PROFILE_SETTINGS } from '../tight/profiles.ts';
import { count, interruptWhen, overbench as runOverbench } from './testing/cli.ts';

let out: string;
// a smoke tight run takes minutes on a busy 2-core machine
const overbench = (args: string[]) => runOverbench(args, { timeoutMs: 200_000 });

beforeAll(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'overbench-tight-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('overbench tight (process)', () => {
  it('a smoke run exits with a verdict code, writes result.json and prints only JSON with --json', async () => {
    const r = await overbench(['tight', '--profile', 'smoke', '--rounds', '2', '--backends', 'fast', '--out', out, '--json']);
    expect([0, 1, 3], r.stderr).toContain(r.code);
    const printed = Result.parse(JSON.parse(r.stdout));
    const dirs = (await readdir(out, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(dirs).toContain(printed.runId);
    const written = Result.parse(JSON.parse(await readFile(path.join(out, printed.runId, 'result.json'), 'utf8')));
    expect(written.scenarios.map((s) => s.name)).toContain('tight/hot-path/fast');
    expect({ pass: 0, fail: 1, inconclusive: 3 }[written.verdict]).toBe(r.code);
  }, 240_000);

  it('an inconclusive verdict exits 3, or 0 with --inconclusive=pass, through the same result writer', async () => {
    // One round decides nothing (fewer than 5 valid rounds), whatever the numbers: inconclusive.
    const args = (name: string) => ['tight', '--profile', 'smoke', '--rounds', '1', '--backends', 'fast', '--out', path.join(out, name)];
    const [strict, lenient] = await Promise.all([overbench(args('strict')), overbench([...args('lenient'), '--inconclusive=pass'])]);
    for (const [r, name, code] of [[strict, 'strict', 3], [lenient, 'lenient', 0]] as const) {
      expect(r.code, r.stderr).toBe(code);
      const written = Result.parse(JSON.parse(await readFile(path.join(out, name, 'latest.json'), 'utf8')));
      expect(written.verdict).toBe('inconclusive');
      expect(written.command).toMatch(/^overbench tight --profile smoke/);
      expect(r.stdout).toContain('tight/hot-path'); // the table of every backend
      expect(r.stdout).toMatch(/^verdict: INCONCLUSIVE over \d+ comparisons \(seed 1\)$/m);
      for (const file of ['result.json', 'report.html', 'junit.xml', 'summary.md']) {
        expect(existsSync(path.join(out, name, written.runId, file)), file).toBe(true);
      }
    }
  }, 120_000);

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} mid-run: exit ${code}, its workers stopped, no result written`, async () => {
      const dir = path.join(out, `interrupted-${signal}`);
      // one worker process per round, fresh each round, a round per lane at a time
      const workersUp = (cmds: string[]) => count(cmds, 'tight/worker.ts') >= 1;
      // far more rounds than it will run: the signal comes while tasks are timed
      const { ran, seen, left } = await interruptWhen(
        ['tight', '--profile', 'smoke', '--rounds', '100', '--backends', 'fast', '--out', dir],
        { ready: workersUp, delayMs: 1000, timeoutMs: 60_000, signal },
      );
      expect(ran.code, ran.stderr).toBe(code);
      // the rounds that were running when the signal came: one per lane (smoke runs two side by side)
      expect(count(seen, 'tight/worker.ts')).toBeGreaterThanOrEqual(1);
      expect(count(seen, 'tight/worker.ts')).toBeLessThanOrEqual(PROFILE_SETTINGS.smoke.workers);
      expect(left).toEqual([]);
      expect(existsSync(dir)).toBe(false);
      expect(ran.stdout).not.toMatch(/verdict:/);
    }, 70_000);
  }

  it('bad input is one line and exit 2', async () => {
    const r = await overbench(['tight', '--backends', 'fast,nope']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--backends: unknown backend "nope"/);
    const p = await overbench(['tight', '--profile', 'huge']);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/--profile "huge"/);
  }, 60_000);
});
