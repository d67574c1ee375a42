/**
 * `overbench realistic --dashboard` as a user runs it: the live view's address on stderr, state
 * frames that follow the rounds while the run goes, the window in progress on the page in Debian's
 * chromium (figures that change every second within one window), the final report served and
 * linked at the end while a page is open, then the command's own exit code; a bad port is bad input.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { chartInk, launchChromium, watchPage } from '../../common/testing/browser.ts';
import { describeWithDeps } from '../../common/testing/system-deps.ts';
import { REPO_ROOT } from '../../common/tsx.ts';
import { overbench } from '../cli/testing/cli.ts';
import type { LiveSnapshot } from './live-state.ts';

// Browser globals for the evaluate callbacks; module-scoped so the project's Node typing (no DOM lib) is untouched.
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const FIXTURE = path.join(REPO_ROOT, 'harness/targets/fixtures/exai-server.mjs');
const TARGET = `spawn:node ${FIXTURE} --port {port}`;
let dir: string;
let scenario: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-live-e2e-'));
  scenario = path.join(dir, 'live-echo.json');
  await writeFile(scenario, JSON.stringify({
    name: 'live-echo', clients: 2, load: { model: 'closed', thinkTime: 'constant:v=1ms' },
    mix: [{ weight: 1, tool: 'echo', args: { text: 'hello' } }],
    rounds: 3, warmupSec: 0.1, measureSec: 0.5, budgets: { p50: 50, throughput: 50 },
    variants: { baseline: { target: TARGET }, instrumented: { target: TARGET } },
  }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `overbench realistic --scenario FILE --dashboard` in a child; resolves once it prints the view's address. */
async function realisticWithDashboard(file: string, out: string): Promise<{ url: string; child: ChildProcess; exited: Promise<number>; stderr: () => string }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/overbench.mjs'), 'realistic', '--scenario', file, '--out', out, '--seed', '4', '--dashboard'], {
    cwd: REPO_ROOT, env: { ...process.env, GITHUB_STEP_SUMMARY: '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no live view address; stderr: ${stderr}`)), 60_000);
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /live view of this run at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
  });
  // A failed test must not leave the run (and its targets and drivers) behind: SIGTERM stops them all.
  onTestFinished(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGTERM')));
  return { url, child, exited, stderr: () => stderr };
}

describe('overbench realistic --dashboard', () => {
  it('serves the run live, links the report at the end, and exits with the verdict\'s code', async () => {
    const { url, exited, stderr } = await realisticWithDashboard(scenario, path.join(dir, 'out'));
    const states: LiveSnapshot[] = [];
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
    ws.on('message', (d) => states.push(JSON.parse(d.toString()).data));
    const reportLinked = new Promise<void>((resolve) => ws.on('message', () => states.at(-1)?.ended?.report && resolve()));
    await Promise.race([reportLinked, exited.then(() => { throw new Error(`exited before linking the report; stderr: ${stderr()}`); })]);

    const last = states.at(-1)!;
    expect(last.ended).toMatchObject({ report: '/report' });
    expect(last.scenarios[0].name).toBe('live-echo');
    expect(last.scenarios[0].rounds).toHaveLength(6);
    // It followed the run: some frame showed a measured window in progress.
    expect(states.some((s) => s.current?.phase === 'measure' && s.current.scenario === 'live-echo')).toBe(true);
    expect(states.some((s) => s.scenarios[0]?.estimates.some((e) => !e.final))).toBe(true);
    const report = await fetch(`${url}/report`);
    expect(report.status).toBe(200);
    expect(await report.text()).toContain('live-echo');
    ws.close();
    const code = await exited;
    expect([0, 1, 3]).toContain(code);
    expect(stderr()).toContain('the report is linked at');
  }, 120_000);

  it('a bad port is bad input (exit 2), named', async () => {
    const r = await overbench(['realistic', '--scenario', scenario, '--dashboard', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--dashboard "lots": expected a port 0..65535');
  });
});

describeWithDeps(['chromium'], 'the live view in a real browser during one long window', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows each variant\'s throughput and percentiles changing every second within the window, not only between rounds', async () => {
    const file = path.join(dir, 'live-long.json');
    await writeFile(file, JSON.stringify({
      name: 'live-long', clients: 2, load: { model: 'closed', thinkTime: 'constant:v=2ms' },
      mix: [{ weight: 1, tool: 'echo', args: { text: 'hello' } }],
      rounds: 1, warmupSec: 0, measureSec: 6, budgets: { p50: 50 },
      variants: { baseline: { target: TARGET }, instrumented: { target: TARGET } },
    }));
    const run = await realisticWithDashboard(file, path.join(dir, 'out-long'));
    const page = await browser.newPage({ viewport: { width: 1366, height: 1000 } });
    const { problems, requests } = watchPage(page);
    await page.goto(run.url, { waitUntil: 'load' });

    // What the page shows of the window in progress, sampled 4 times a second until the round is done.
    const seen: { phase: string; rows: Record<string, string[]> }[] = [];
    for (;;) {
      const now = await page.evaluate(() => ({
        phase: window.liveState?.current?.phase ?? '',
        roundsDone: window.liveState?.scenarios?.[0]?.rounds?.length ?? 0,
        rows: Object.fromEntries([...document.querySelectorAll('#window-live tbody tr')].map((tr: any) => [tr.dataset.variant, [...tr.cells].slice(1).map((td: any) => td.textContent)])), // eslint-disable-line @typescript-eslint/no-explicit-any
      }));
      if (now.roundsDone > 0 || run.child.exitCode !== null) break;
      if (now.phase === 'measure') seen.push(now);
      await new Promise((r) => setTimeout(r, 250));
    }

    // Within the one measured window: 'baseline' and 'instrumented' rows that changed at least 4 times
    // (6 s, a report a second), requests that only grow, throughput and percentiles shown.
    for (const variant of ['baseline', 'instrumented']) {
      const rows = seen.map((s) => s.rows[variant]).filter((r) => r !== undefined);
      const distinct = [...new Set(rows.map((r) => r.join('|')))].map((r) => r.split('|'));
      expect(distinct.length, `${variant}: ${JSON.stringify(distinct)}`).toBeGreaterThanOrEqual(4);
      const num = (text: string) => Number(text.replace(/,/g, ''));
      const [sec, reqPerSec, done, , p50, , p99] = [0, 1, 2, 3, 4, 5, 6].map((i) => distinct.map((r) => num(r[i])));
      expect(sec).toEqual([...sec].sort((a, b) => a - b));
      expect(done).toEqual([...done].sort((a, b) => a - b));
      expect(done[done.length - 1]).toBeGreaterThan(done[0]);
      for (const v of [...reqPerSec, ...p50, ...p99]) expect(v).toBeGreaterThan(0);
    }
    const [windowChart] = await chartInk(page, '#c-window canvas');
    expect(windowChart.ink).toBeGreaterThan(300);
    expect(problems).toEqual([]);
    const origin = run.url.replace('http://', '');
    for (const r of requests) expect(r.startsWith(`http://${origin}`) || r.startsWith(`ws://${origin}`), r).toBe(true);
    // The run lingers while a page is open: closing it lets the command end.
    await page.close();
    expect([0, 1, 3]).toContain(await run.exited);
  }, 120_000);
});
