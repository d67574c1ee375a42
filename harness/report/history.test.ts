import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendHistory, readHistory, trendEntries } from './history.ts';
import { sampleResult } from './testing/result-fixture.ts';

describe('history.jsonl', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-history-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('appends one line per run with per-scenario estimates and verdicts, and reads them back oldest first', async () => {
    const file = path.join(dir, 'nested', 'history.jsonl');
    const a = { ...sampleResult(), runId: 'b-run', finishedAt: '2026-11-27T02:00:00.000Z' };
    const b = { ...sampleResult(), runId: 'a-run', finishedAt: '2026-11-27T01:00:00.000Z' };
    await appendHistory(file, a);
    await appendHistory(file, b);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    const { entries, skipped } = await readHistory(file);
    expect(skipped).toBe(0);
    expect(entries.map((e) => e.runId)).toEqual(['a-run', 'b-run']);
    expect(entries[1].gitSha).toBe(a.env.gitSha);
    const storm = entries[1].scenarios[1];
    expect(storm.verdict).toBe('fail');
    expect(storm.comparisons[0]).toEqual({
      metric: 'p50', budgetPct: 2, verdict: 'fail',
      estimatePct: a.scenarios[1].comparisons[0].estimatePct, ciLowPct: a.scenarios[1].comparisons[0].ciLowPct, ciHighPct: a.scenarios[1].comparisons[0].ciHighPct,
    });
  });

  it('skips and counts damaged lines instead of failing', async () => {
    const file = path.join(dir, 'damaged.jsonl');
    await appendHistory(file, sampleResult());
    await appendFile(file, '{"runId": "half a line\n{"runId":"x"}\n\n');
    const { entries, skipped } = await readHistory(file);
    expect(entries).toHaveLength(1);
    expect(skipped).toBe(2);
  });

  it('a missing file is no history', async () => {
    expect(await readHistory(path.join(dir, 'none.jsonl'))).toEqual({ entries: [], skipped: 0 });
  });

  it('the trend of a re-rendered old result stops at that result and includes it once', async () => {
    const file = path.join(dir, 'trend.jsonl');
    const runs = ['01', '02', '03'].map((h) => ({ ...sampleResult(), runId: `run-${h}`, finishedAt: `2026-11-27T${h}:00:00.000Z` }));
    for (const r of runs) await appendHistory(file, r);
    const { entries } = await readHistory(file);
    expect(trendEntries(entries, runs[1]).map((e) => e.runId)).toEqual(['run-01', 'run-02']);
    const fresh = { ...sampleResult(), runId: 'run-04', finishedAt: '2026-11-27T04:00:00.000Z' };
    expect(trendEntries(entries, fresh).map((e) => e.runId)).toEqual(['run-01', 'run-02', 'run-03', 'run-04']);
  });
});
