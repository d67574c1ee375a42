import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparePair } from '../report/testing/result-fixture.ts';
import { overbench } from './testing/cli.ts';

describe('overbench compare (CLI)', () => {
  let dir: string;
  let oldFile: string;
  let newFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-compare-cli-'));
    const { oldR, newR } = comparePair();
    [oldFile, newFile] = [path.join(dir, 'old.json'), path.join(dir, 'new.json')];
    await writeFile(oldFile, JSON.stringify(oldR));
    await writeFile(newFile, JSON.stringify(newR));
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('prints the table with the expected verdicts, writes HTML, exits 1 on a failed budget', async () => {
    const html = path.join(dir, 'compare.html');
    const r = await overbench(['compare', oldFile, newFile, '--html', html]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const row = (scenario: string, metric: string) => r.stdout.split('\n').find((l) => l.startsWith(`${scenario} `) && l.includes(metric)) ?? '';
    expect(row('same', 'p50 latency')).toMatch(/\bPASS\b/);
    expect(row('slower', 'p99 latency')).toMatch(/\+20\.00%.*\bFAIL\b/);
    expect(row('noisy', 'p50 latency')).toMatch(/\bINCONCLUSIVE\b/);
    expect(row('tight/hot-path/fast', 'ns per operation')).toMatch(/\+50\.00%.*\bFAIL\b/);
    expect(r.stdout).toContain('only in NEW (not compared): brand-new');
    const page = await readFile(html, 'utf8');
    expect(page).toContain('overbench: NEW new vs OLD old');
    expect(page).toContain('<span class="badge fail big">FAIL</span>');
  }, 60_000);

  it('--metric and --budget narrow the question: ns/op within 60% passes, exit 0', async () => {
    const r = await overbench(['compare', oldFile, newFile, '--metric', 'nsPerOp', '--budget', '60']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^tight\/hot-path\/fast .*\+60%\s+PASS/m);
  }, 60_000);

  it('bad input is one line and exit 2', async () => {
    const corrupt = path.join(dir, 'corrupt.json');
    await writeFile(corrupt, 'not json');
    for (const args of [[oldFile], [oldFile, corrupt], [oldFile, path.join(dir, 'nope.json')], [oldFile, newFile, '--metric', 'p42'], [oldFile, newFile, '--budget', 'lots']]) {
      const r = await overbench(['compare', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr.startsWith('overbench compare: ')).toBe(true);
    }
  }, 60_000);
});
