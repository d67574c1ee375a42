import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithDeps } from '../../../common/testing/system-deps.ts';
import { historyEntry } from '../history.ts';
import { defaultContext } from '../reporter.ts';
import { launchChromium, openReport } from '../testing/browser.ts';
import { sampleResult } from '../testing/result-fixture.ts';
import { htmlReporter } from './html.ts';
import { junitReporter } from './junit.ts';

// Browser globals for the page.evaluate callbacks; module-scoped so the project's Node typing (no DOM lib) is untouched.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const DOMParser: any;
declare const Event: any;

/** Where screenshots are kept for a human to look at (gitignored). */
const ARTIFACTS = new URL('../../../test-artifacts/', import.meta.url);

describeWithDeps(['chromium'], 'html report in a real browser (Debian chromium via playwright-core)', () => {
  let browser: Browser;
  let dir: string;
  let file: string;
  const result = sampleResult();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-html-'));
    file = path.join(dir, 'report.html');
    const history = ['01', '02'].map((h) => ({ ...historyEntry(result), runId: `r${h}`, time: `2026-11-26T${h}:00:00.000Z` }));
    await writeFile(file, htmlReporter.render(result, defaultContext({ history })));
    await writeFile(path.join(dir, 'junit.xml'), junitReporter.render(result, defaultContext()));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens offline with no console errors and no request but the file itself, draws every chart, says the verdict', async () => {
    const r = await openReport(browser, file);
    const page = r.page;
    expect(r.problems).toEqual([]);
    expect(r.requests).toEqual([r.url]);
    expect(r.verdict).toBe('FAIL');
    expect(await page.locator('#verdict').textContent()).toContain('Performance has regressed beyond the budget');

    // 8 scenario charts + 2 realistic trends + 2 tight trends, each a uPlot canvas with ink on it
    expect(r.canvases).toHaveLength(12);
    for (const c of r.canvases) expect(c.ink, `canvas ${c.w}x${c.h} is blank`).toBeGreaterThan(500);
    expect(await page.getAttribute('html', 'data-charts-drawn')).toBe('12');
    // overhead charts: static SVG, one dot per measured comparison of the realistic scenarios
    expect(r.overheadDots).toBe(result.scenarios.filter((s) => s.kind === 'realistic').reduce((n, s) => n + s.comparisons.length, 0));

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('report.png', ARTIFACTS).pathname, fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await page.screenshot({ path: new URL('report-print.png', ARTIFACTS).pathname, fullPage: true });
    // In print layout nothing may stick out of the page (charts are redrawn narrower, tables shrink).
    const width: { scroll: number; client: number } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(width.scroll).toBeLessThanOrEqual(width.client);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  }, 90_000);

  it("the JUnit file is well-formed to the browser's own XML parser", async () => {
    const page = await browser.newPage();
    const xml = await readFile(path.join(dir, 'junit.xml'), 'utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      return { error: (doc.querySelector('parsererror')?.textContent ?? null) as string | null, cases: doc.querySelectorAll('testcase').length, suites: doc.querySelectorAll('testsuite').length };
    }, xml);
    expect(parsed.error).toBeNull();
    expect(parsed.suites).toBe(result.scenarios.length);
    expect(parsed.cases).toBe(result.scenarios.reduce((n, s) => n + s.comparisons.length + (s.exactness ? 1 : 0), 0));
    await page.close();
  }, 60_000);
});
