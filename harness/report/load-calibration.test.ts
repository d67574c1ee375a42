import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_CALIBRATION, readLatestCalibration } from './load-calibration.ts';
import { sampleResult } from './testing/result-fixture.ts';
import { writeRun } from './write-run.ts';

const calibration = {
  schemaVersion: 1,
  scenarios: [{
    name: 'chat-realistic', profile: 'ci', rounds: 12,
    aa: { repeats: 2, falseFailRate: 0, falseInconclusiveRate: 0, halfWidthPct: { cpuPerRequest: 2 } },
    injected: [], mdePct: { cpuPerRequest: 2.4 },
  }],
};

describe('the newest calibration beside a run', () => {
  let out: string;
  beforeAll(async () => { out = await mkdtemp(path.join(os.tmpdir(), 'overbench-load-calibration-')); });
  afterAll(async () => { await rm(out, { recursive: true, force: true }); });

  it('is shown in the run report.html when the reports folder holds one', async () => {
    await writeFile(path.join(out, LATEST_CALIBRATION), JSON.stringify(calibration));
    expect(await readLatestCalibration(out)).toMatchObject({ scenarios: [{ name: 'chat-realistic' }] });
    const { dir } = await writeRun({ ...sampleResult(), runId: 'with-calibration' }, { outDir: out, stepSummary: null, noHistory: true });
    const html = await readFile(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<section id="calibration">');
    expect(html).toContain('<h3>chat-realistic</h3>');
  });

  it('a missing or foreign file leaves the report without the section and the run unharmed', async () => {
    await writeFile(path.join(out, LATEST_CALIBRATION), '{"schemaVersion": 7}');
    expect(await readLatestCalibration(out)).toBeUndefined();
    expect(await readLatestCalibration(path.join(out, 'nowhere'))).toBeUndefined();
    const { dir } = await writeRun({ ...sampleResult(), runId: 'without-calibration' }, { outDir: out, stepSummary: null, noHistory: true });
    expect(await readFile(path.join(dir, 'report.html'), 'utf8')).not.toContain('id="calibration"');
  });
});
