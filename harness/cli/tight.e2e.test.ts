import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Result } from '../result/schema.ts';
import { overbench as runOverbench } from './test-cli.ts';

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
