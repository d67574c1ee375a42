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
