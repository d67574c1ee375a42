/**
 * Test support: open a report file in Debian's chromium (playwright-core) and collect what the
 * browser tests assert on. The page.evaluate callbacks run in the browser.
 */
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chartInk, watchPage } from '../../../common/testing/browser.ts';

// Browser globals for the evaluate callbacks; module-scoped so the project's Node typing (no DOM lib) is untouched.

export { CHROMIUM_ARGS, launchChromium } from '../../../common/testing/browser.ts';

export interface PageReport {
  page: Page;
  url: string;
  /** Console errors and warnings, uncaught exceptions. */
  problems: string[];
  requests: string[];
  /** Every uPlot canvas with the number of non-transparent pixels on it. */
  canvases: { w: number; h: number; ink: number }[];
  overheadDots: number;
  verdict: string | null;
}

export async function openReport(browser: Browser, file: string, viewport = { width: 1366, height: 900 }): Promise<PageReport> {
  const page = await browser.newPage({ viewport });
  const { problems, requests } = watchPage(page);
  const url = pathToFileURL(file).href;
  await page.goto(url, { waitUntil: 'load' });
  const canvases = await chartInk(page);
  return {
    page, url, problems, requests, canvases,
    overheadDots: await page.locator('.overhead svg circle').count(),
    verdict: await page.locator('#verdict .badge.big').textContent(),
  };
}
