import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithDeps } from '../../../common/testing/system-deps.ts';
import type { Result } from '../../result/schema.ts';
import { readHistory } from '../history.ts';
import { loadResult } from '../load-result.ts';
import { launchChromium, openReport } from '../testing/browser.ts';
import { overbench } from '../../cli/testing/cli.ts';
import { parseXmlStrict } from '../testing/xml.ts';

const ARTIFACTS = new URL('../../../test-artifacts/', import.meta.url);

/**
 * The acceptance test: a REAL smoke run (reference daemon, fakes, driver, 3 rounds) writes
 * its reports, and the HTML made from it opens in chromium offline with every chart drawn.
 */
describeWithDeps(['chromium'], 'reports of a real smoke run (overbench realistic --scenario chat-realistic --profile smoke)', () => {
  let out: string;
  let runDir: string;
  let result: Result;
  let code: number;
  let browser: Browser | undefined;

  beforeAll(async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'overbench-smoke-report-'));
    const run = await overbench(['realistic', '--scenario', 'chat-realistic', '--profile', 'smoke', '--out', out, '--json'], { timeoutMs: 240_000 });
    code = run.code;
    const runs = (await readdir(out, { withFileTypes: true })).filter((d) => d.isDirectory());
    if (runs.length !== 1) throw new Error(`smoke run wrote ${runs.length} run folders (exit ${run.code}): ${run.stderr.slice(-500)}`);
    runDir = path.join(out, runs[0].name);
    result = await loadResult(path.join(runDir, 'result.json'));
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await rm(out, { recursive: true, force: true });
  });

  it('the run ends with a verdict exit code and leaves every report file behind', async () => {
    expect([0, 1, 3]).toContain(code);
    expect((await readdir(runDir)).sort()).toEqual(['junit.xml', 'report.html', 'result.json', 'summary.md']);
    expect((await readdir(out)).filter((f) => !f.startsWith('2')).sort()).toEqual(['history.jsonl', 'latest.html', 'latest.json']);
    expect((await readHistory(path.join(out, 'history.jsonl'))).entries.map((e) => e.runId)).toEqual([result.runId]);
  });

  it('the HTML opens offline, with no console errors, every chart drawn and the verdict first', async () => {
    browser = await launchChromium();
    const r = await openReport(browser, path.join(runDir, 'report.html'));
    expect(r.problems).toEqual([]);
    expect(r.requests).toEqual([r.url]);
    expect(r.verdict).toBe(result.verdict.toUpperCase());
    expect(r.canvases).toHaveLength(4); // spectrum, p99, CPU/request, throughput+errors
    for (const c of r.canvases) expect(c.ink, `canvas ${c.w}x${c.h} is blank`).toBeGreaterThan(500);
    // A dot per comparison with an interval (3 smoke rounds are too few for a signed-rank one: errorRate's mean has one).
    const measured = result.scenarios[0].comparisons.filter((c) => c.ciLowPct != null).length;
    expect(measured).toBeGreaterThan(0);
    expect(r.overheadDots).toBe(measured);
    expect(await r.page.locator('#environment pre').textContent()).toBe(result.command);
    await mkdir(ARTIFACTS, { recursive: true });
    await r.page.screenshot({ path: new URL('report-smoke.png', ARTIFACTS).pathname, fullPage: true });
    await r.page.close();
  }, 90_000);

  it('JUnit and Markdown agree with the result', async () => {
    const s = result.scenarios[0];
    const checks = s.comparisons.length + (s.exactness ? 1 : 0);
    const junit = parseXmlStrict(await readFile(path.join(runDir, 'junit.xml'), 'utf8'));
    expect(junit.children[0].attrs.name).toBe('chat-realistic');
    expect(Number(junit.attrs.tests)).toBe(checks);
    const md = await readFile(path.join(runDir, 'summary.md'), 'utf8');
    expect(md.split('\n').filter((l) => l.startsWith('| chat-realistic |'))).toHaveLength(checks);
  });

  it('`overbench report` re-renders the same HTML from the stored result (renderers read only the JSON)', async () => {
    const again = path.join(out, 'again.html');
    const r = await overbench(['report', path.join(runDir, 'result.json'), '--html', again]);
    expect(r.code).toBe(code);
    expect(await readFile(again, 'utf8')).toBe(await readFile(path.join(runDir, 'report.html'), 'utf8'));
  }, 60_000);
});
