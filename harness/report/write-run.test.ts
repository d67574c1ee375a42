import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadResult } from './load-result.ts';
import { sampleResult } from './testing/result-fixture.ts';
import { writeRun } from './write-run.ts';

describe('writeRun', () => {
  let out: string;
  beforeAll(async () => { out = await mkdtemp(path.join(os.tmpdir(), 'overbench-write-run-')); });
  afterAll(async () => { await rm(out, { recursive: true, force: true }); });

  it('writes result, latest, the three reports, latest.html, and appends history; the second run shows a trend', async () => {
    const first = { ...sampleResult(), runId: 'run-a', finishedAt: '2026-11-27T01:00:00.000Z' };
    const second = { ...sampleResult(), runId: 'run-b', finishedAt: '2026-11-27T02:00:00.000Z' };
    const a = await writeRun(first, { outDir: out, stepSummary: null });
    expect(a.files.map((f) => path.relative(out, f))).toEqual([
      'run-a/result.json', 'latest.json', 'run-a/report.html', 'run-a/junit.xml', 'run-a/summary.md', 'latest.html', 'history.jsonl',
    ]);
    const summary = path.join(out, 'step-summary.md');
    const b = await writeRun(second, { outDir: out, stepSummary: summary });
    expect(await readFile(summary, 'utf8')).toBe((await readFile(path.join(b.dir, 'summary.md'), 'utf8')) + '\n');
    expect(await loadResult(path.join(out, 'latest.json'))).toEqual(second);
    expect(await readFile(path.join(out, 'latest.html'), 'utf8')).toBe(await readFile(path.join(b.dir, 'report.html'), 'utf8'));
    const history = (await readFile(path.join(out, 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).runId);
    expect(history).toEqual(['run-a', 'run-b']);
    expect(await readFile(path.join(b.dir, 'report.html'), 'utf8')).toContain('id="c0-trend"');
    expect(await readFile(path.join(a.dir, 'report.html'), 'utf8')).not.toContain('id="c0-trend"');
  });

  it('refuses a result the schema rejects, before writing anything', async () => {
    const bad = { ...sampleResult(), runId: 'bad', verdict: 'maybe' } as unknown as Parameters<typeof writeRun>[0];
    await expect(writeRun(bad, { outDir: out, stepSummary: null })).rejects.toThrow();
    await expect(readFile(path.join(out, 'bad', 'result.json'))).rejects.toThrow();
  });
});
