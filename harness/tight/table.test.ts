import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realisticScenario, resultOf, tightScenario } from '../report/testing/result-fixture.ts';
import { findRealisticCpu } from './realistic-cpu.ts';
import { contextLine, renderTight } from './table.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const scenarios = [
  tightScenario({ workload: 'hot-path', backend: 'fast', baselineNs: 4000, instrumentedNs: 4020, budgetPct: 5 }),
  tightScenario({ workload: 'hot-path', backend: 'legacy', baselineNs: 4000, instrumentedNs: 5200, budgetPct: 5 }),
];

describe('the tight table', () => {
  it('has a row for none and each backend with the seed table columns', () => {
    const text = renderTight(scenarios, 1);
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/backend\s+ops\/s\s+ns\/op \[95% CI\]\s+overhead vs none \[95% CI\]\s+bytes\/op\s+bytes\/client\s+budget\s+verdict/);
    expect(lines[2]).toMatch(/^-+\s/);
    expect(lines[3]).toMatch(/^none\s/);
    expect(text).toMatch(/\nfast\s.*\+5%/);
    expect(text).toMatch(/\nlegacy\s.*\+5%\s+fail/);
  });
});

describe('context line', () => {
  it('puts the hot-path difference next to a realistic request CPU from the newest result that has one', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'tight-context-'));
    dirs.push(out);
    // latest.json is a tight run (no realistic scenarios); an older run folder has the realistic one
    await writeFile(path.join(out, 'latest.json'), JSON.stringify(resultOf(scenarios)));
    await mkdir(path.join(out, '20261127-000000-abcd'));
    const realistic = resultOf([realisticScenario({ name: 'chat-realistic', seed: 3 })]);
    await writeFile(path.join(out, '20261127-000000-abcd', 'result.json'), JSON.stringify(realistic));
    const found = await findRealisticCpu(out);
    expect(found?.scenarios).toEqual(['chat-realistic']);
    expect(found!.cpuPerRequestUs).toBeGreaterThan(0);
    const line = contextLine(scenarios, found);
    expect(line).toMatch(/^context: a realistic request costs the daemon \d+ us of CPU/);
    expect(line).toMatch(/fast [+-]\d+ ns \(-?\d+\.\d{3}%\), legacy \+[\d,]+ ns/);
  });

  it('falls back to the hot path alone when no realistic result exists', async () => {
    expect(await findRealisticCpu(path.join(os.tmpdir(), 'no-such-reports-dir-xyz'))).toBeNull();
    expect(contextLine(scenarios, null)).toMatch(/no realistic result under reports yet/);
  });
});
