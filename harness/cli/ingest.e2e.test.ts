import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { k6Stream } from '../ingest/testing/k6-output.ts';
import { overbench } from './testing/cli.ts';

describe('overbench ingest (CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-ingest-cli-'));
    await writeFile(path.join(dir, 'baseline.ndjson'), k6Stream({ medianMs: 10, rounds: 5, perRound: 300, roundSec: 2, seed: 1 }).text);
    await writeFile(path.join(dir, 'instrumented.ndjson'), k6Stream({ medianMs: 14, rounds: 5, perRound: 300, roundSec: 2, seed: 2 }).text);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('baseline then instrumented --into it: a failed p50 budget, exit 1; report and compare accept the files', async () => {
    const out = path.join(dir, 'reports');
    const first = await overbench(['ingest', 'k6', path.join(dir, 'baseline.ndjson'), '--variant', 'baseline', '--scenario', 'chat-realistic', '--out', out]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('ingested 5 baseline rounds from 1 k6 file');
    expect(first.stdout).toContain('no verdict yet');
    const firstFile = /result: (.+)/.exec(first.stdout)![1];

    const second = await overbench(['ingest', 'k6', path.join(dir, 'instrumented.ndjson'), '--variant', 'instrumented', '--into', firstFile, '--out', out]);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(1);
    expect(second.stdout).toMatch(/verdict: FAIL over 5 comparisons/);
    const secondFile = /result: (.+)/.exec(second.stdout)![1];
    const result = JSON.parse(await readFile(secondFile, 'utf8'));
    expect(result.scenarios[0].name).toBe('chat-realistic');
    // chat-realistic's own p50 budget (2%) came with --scenario and stays with --into.
    expect(result.scenarios[0].comparisons.find((c: { metric: string }) => c.metric === 'p50')).toMatchObject({ budgetPct: 2, verdict: 'fail' });
    expect(await readdir(path.dirname(secondFile))).toEqual(expect.arrayContaining(['result.json', 'report.html', 'junit.xml', 'summary.md']));

    const report = await overbench(['report', secondFile, '--md', '-']);
    expect(report.code).toBe(1);
    expect(report.stdout).toContain('chat-realistic');
    const compare = await overbench(['compare', secondFile, secondFile]);
    expect(compare.code).toBe(0);
    expect(compare.stdout).toMatch(/chat-realistic .*p50 latency.*PASS/);
  }, 90_000);

  it('bad input is one line and exit 2', async () => {
    for (const [args, want] of [
      [['ingest', 'jmeter', 'x.jtl', '--variant', 'baseline'], /expected k6 or autocannon first, got "jmeter"/],
      [['ingest', 'k6', path.join(dir, 'baseline.ndjson')], /--variant baseline\|instrumented is required/],
      [['ingest', 'k6', path.join(dir, 'nope.json'), '--variant', 'baseline'], /nope\.json: not found/],
      [['ingest', 'autocannon', path.join(dir, 'baseline.ndjson'), '--variant', 'instrumented'], /baseline\.ndjson: not valid JSON/],
    ] as const) {
      const r = await overbench([...args, '--out', path.join(dir, 'bad')]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(want);
    }
  }, 60_000);
});
