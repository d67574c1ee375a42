import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../common/tsx.ts';
import { overbench } from './testing/cli.ts';

/** `overbench realistic --until-decided --max-time`: batches of rounds, each in a fresh pair of targets. */
const FIXTURE = path.join(REPO_ROOT, 'harness/targets/fixtures/exai-server.mjs');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-seq-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scenario(name: string, budgets: Record<string, number>, rounds = 10): Promise<string> {
  const file = path.join(dir, `${name}.json`);
  const target = `spawn:node ${FIXTURE} --port {port}`;
  await writeFile(file, JSON.stringify({
    name, clients: 2, load: { model: 'closed', thinkTime: 'constant:v=1ms' },
    mix: [{ weight: 1, tool: 'echo', args: { text: 'hello' } }],
    // 10 rounds a batch: a signed-rank interval at a first look's share of the 5% (~0.008 of 10 looks) needs 8 or more.
    rounds, warmupSec: 0.1, measureSec: 0.3, budgets,
    variants: { baseline: { target }, instrumented: { target } },
  }));
  return file;
}

describe('overbench realistic --until-decided', () => {
  it('adds batches while a comparison is inconclusive, up to --max-time, at each look\'s share of the 5%', async () => {
    // 5 rounds a batch: no first look can decide (fewer than 6 valid rounds), and a batch takes half
    // as long, so a second one fits in --max-time even on a loaded machine. With 10 rounds and 45 s,
    // a fresh-clone `npm test` once stopped after one look (2026-12-03; at 25 s, 2026-12-01): a
    // batch there took ~15 s alone, more beside the other test files.
    const file = await scenario('tight-budget', { p50: 0.01 }, 5);
    const ran = await overbench(['realistic', '--scenario', file, '--until-decided', '--max-time', '60s', '--json', '--seed', '7', '--out', path.join(dir, 'out')], { timeoutMs: 100_000 });
    const result = JSON.parse(ran.stdout);
    const s = result.scenarios[0];
    expect(s.looks).toBeGreaterThan(1);
    expect(s.rounds.length).toBe(2 * 5 * s.looks);
    // A comparison keeps the look that decided it (keepDecided); one still open reads the last look.
    for (const c of s.comparisons) {
      if (c.verdict === 'inconclusive') expect(c.looks).toBe(s.looks);
      else expect(c.looks).toBeLessThanOrEqual(s.looks);
    }
    // p50 is what kept the run looking (errorRate decides at once): open to the end, or decided at the last look.
    expect(s.comparisons.find((c: { metric: string }) => c.metric === 'p50').looks).toBe(s.looks);
    // Each batch ran in a pair of its own, warmed up anew, and its windows say which.
    expect(s.rounds.map((w: { process?: number }) => w.process)).toEqual(s.rounds.map((w: { round: number }) => Math.ceil(w.round / 5)));
    expect(s.settleSec).toHaveLength(s.looks);
    expect(s.comparisons.find((c: { metric: string }) => c.metric === 'p50').processes).toBe(s.looks);
  }, 120_000);

  it('stops after the first look when it decides', async () => {
    const file = await scenario('loose-budget', { p50: 500 });
    const ran = await overbench(['realistic', '--scenario', file, '--until-decided', '--max-time', '60s', '--json', '--seed', '7', '--out', path.join(dir, 'out')], { timeoutMs: 90_000 });
    const s = JSON.parse(ran.stdout).scenarios[0];
    expect(s.looks).toBe(1);
    expect(s.stoppedBy).toBe('decided');
    expect(s.rounds.length).toBe(20);
  }, 120_000);
});
