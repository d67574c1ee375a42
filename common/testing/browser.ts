/**
 * Test support: Debian's chromium through playwright-core, and what every page test asserts on
 * (console errors and warnings, uncaught exceptions, and every request the page makes).
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { findChromium } from '../binaries.ts';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error('chromium not found (CHROMIUM_PATH, or chromium on PATH): apt-get install -y chromium');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** Collects, from now on, a page's console errors and warnings, uncaught exceptions, and the URLs it requests (WebSockets included). */
export function watchPage(page: Page): { problems: string[]; requests: string[] } {
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (w) => requests.push(w.url()));
  return { problems, requests };
}

/** Every canvas matching `selector` (default: uPlot charts), with its size and how many pixels are not transparent: a chart that drew nothing has none. */
export function chartInk(page: Page, selector = '.uplot canvas'): Promise<{ w: number; h: number; ink: number }[]> {
  // Runs in the page: the DOM's types are not in this project's lib.
  return page.evaluate((sel) => [...(globalThis as any).document.querySelectorAll(sel)].map((c: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) ink++;
    return { w: c.width, h: c.height, ink };
  }), selector);
}
