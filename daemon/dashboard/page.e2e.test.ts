/**
 * The dashboard page in Debian's chromium (playwright-core): no console errors, no request beyond
 * this host's dashboard and daemon ports, charts whose values move under load, and the testing
 * panel showing every frame of one tool call.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chartInk, launchChromium, watchPage } from '../../common/testing/browser.ts';
import { describeWithDeps } from '../../common/testing/system-deps.ts';
import { startTestDaemon, type TestDaemon } from '../testing/in-process.ts';
import { WsTestClient } from '../testing/ws-test-client.ts';

// Browser globals for the evaluate callbacks; module-scoped so the project's Node typing (no DOM lib) is untouched.
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

describeWithDeps(['chromium'], 'dashboard page in a real browser', () => {
  let d: TestDaemon;
  let browser: Browser;
  beforeAll(async () => {
    d = await startTestDaemon({ EXAI_DASHBOARD_PORT: '0', EXAI_DASHBOARD_INTERVAL_SECS: '0.25', METRICS_BACKEND: 'fast' });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await d?.close();
  });

  it('shows live figures: no console errors, no outside request, charts that move under load, a working testing panel', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 1000 } });
    const { problems, requests } = watchPage(page);
    await page.goto(d.dashboardUrl!, { waitUntil: 'load' });
    await page.waitForFunction(() => Number(document.documentElement.getAttribute('data-updates')) >= 2);
    const first = await page.evaluate(() => ({ received: window.dashboardState.latest.messages.received, rate: [...window.dashboardState.series.in] }));

    // Load: 4 clients of echo calls for ~2 s while the page watches.
    const clients = await Promise.all([0, 1, 2, 3].map(() => WsTestClient.hello(d.url)));
    const until = Date.now() + 2000;
    await Promise.all(clients.map(async (c, k) => {
      for (let i = 0; Date.now() < until; i++) await c.call(`p${k}-${i}`, 'echo', { text: 'load' });
    }));
    await page.waitForFunction((n) => Number(document.documentElement.getAttribute('data-updates')) >= n + 3, first.rate.length);
    const later = await page.evaluate(() => ({ received: window.dashboardState.latest.messages.received, rate: [...window.dashboardState.series.in], connections: document.getElementById('t-connections').textContent }));
    expect(later.received).toBeGreaterThan(first.received);
    expect(Math.max(...later.rate)).toBeGreaterThan(Math.max(0, ...first.rate));
    expect(later.connections).toBe('4');

    // Errors of two kinds: the "Errors by kind" table lists each with its count.
    for (let i = 0; i < 2; i++) await clients[0].call(`nf${i}`, 'no_such_tool');
    clients[1].send('{"op":"call_tool","request_id":"broken",');
    await clients[1].next((f) => f.op === 'error' && f.request_id === 'broken');
    await page.waitForFunction(() => document.querySelector('#errors tbody').textContent.includes('validation'));
    const errorRows: string[][] = await page.evaluate(() => [...document.querySelectorAll('#errors tbody tr')].map((tr: any) => [...tr.cells].map((td: any) => td.textContent))); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(errorRows).toEqual([['total', '3'], ['tool_not_found', '2'], ['validation', '1']]);

    // Every chart drew something.
    const ink = (await chartInk(page)).map((c) => c.ink);
    expect(ink).toHaveLength(4);
    for (const n of ink) expect(n).toBeGreaterThan(500);

    // Testing panel: one status call, every frame shown.
    await page.fill('#test-tool', 'echo');
    await page.fill('#test-args', '{"text":"from the panel"}');
    await page.click('#test-send');
    await page.waitForSelector('#test-frames[data-done="true"]');
    const log = (await page.textContent('#test-frames')) ?? '';
    expect(log).toContain('"op":"hello_ack"');
    expect(log).toContain('"op":"stream_complete"');
    expect(log).toContain('"op":"call_tool_res"');
    expect(log).toContain('from the panel');

    await Promise.all(clients.map((c) => c.close()));
    expect(problems).toEqual([]);
    const allowed = [d.dashboardUrl!, `ws://127.0.0.1:${d.dashboardPort}`, `ws://127.0.0.1:${d.wsPort}`];
    for (const r of requests) expect(allowed.some((a) => r.startsWith(a)), r).toBe(true);
    await page.close();
  }, 60_000);
});
