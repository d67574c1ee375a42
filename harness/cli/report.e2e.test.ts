import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overbench } from './testing/cli.ts';
import { realisticScenario, resultOf, sampleResult } from '../report/testing/result-fixture.ts';

describe('overbench report (CLI)', () => {
  let dir: string;
  let good: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-report-cli-'));
    good = path.join(dir, 'run', 'result.json');
    await mkdir(path.dirname(good), { recursive: true });
    await writeFile(good, JSON.stringify(sampleResult()));
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('writes report.html, junit.xml and summary.md beside the result; exit code is its verdict (fail = 1)', async () => {
    const r = await overbench(['report', good]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    for (const f of ['report.html', 'junit.xml', 'summary.md']) expect((await stat(path.join(dir, 'run', f))).size).toBeGreaterThan(500);
  }, 60_000);

  it('--md - prints the Markdown on stdout; --inconclusive=pass turns an inconclusive run into exit 0', async () => {
    const undecided = path.join(dir, 'undecided.json');
    await writeFile(undecided, JSON.stringify(resultOf([realisticScenario({ name: 'short', rounds: 3 })])));
    const strict = await overbench(['report', undecided, '--md', '-']);
    expect(strict.code).toBe(3);
    expect(strict.stdout.startsWith('## overbench: _inconclusive_')).toBe(true);
    const lenient = await overbench(['report', undecided, '--md', '-', '--junit', path.join(dir, 'u.xml'), '--inconclusive=pass']);
    expect(lenient.code).toBe(0);
    expect(await readFile(path.join(dir, 'u.xml'), 'utf8')).toContain('<skipped message="inconclusive: ');
  }, 60_000);

  it.each([
    ['missing', null],
    ['corrupt', '{"schemaVersion":1,'],
    ['future', '{"schemaVersion":99,"runId":"x"}'],
    ['invalid', '{"schemaVersion":1,"runId":"x"}'],
  ])('%s result file: one line on stderr, exit 2', async (name, text) => {
    const f = path.join(dir, `${name}.json`);
    if (text !== null) await writeFile(f, text);
    const r = await overbench(['report', f]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^overbench report: result file .*${name}\\.json: `));
  }, 60_000);

  it('usage errors are one line, exit 2', async () => {
    for (const args of [['report'], ['report', good, '--inconclusive=maybe'], ['report', good, '--nope']]) {
      const r = await overbench(args);
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  }, 60_000);
});
