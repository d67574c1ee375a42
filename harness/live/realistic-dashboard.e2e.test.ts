/**
 * `overbench realistic --dashboard` as a user runs it: the live view's address on stderr, state
 * frames that follow the rounds while the run goes, the final report served and linked at the end
 * while a page is open, then the command's own exit code; a bad port is bad input.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../common/tsx.ts';
import { overbench } from '../cli/testing/cli.ts';
import type { LiveSnapshot } from './live-state.ts';

const FIXTURE = path.join(REPO_ROOT, 'harness/targets/fixtures/exai-server.mjs');
let dir: string;
let scenario: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-live-e2e-'));
  scenario = path.join(dir, 'live-echo.json');
  const target = `spawn:node ${FIXTURE} --port {port}`;
  await writeFile(scenario, JSON.stringify({
    name: 'live-echo', clients: 2, load: { model: 'closed', thinkTime: 'constant:v=1ms' },
    mix: [{ weight: 1, tool: 'echo', args: { text: 'hello' } }],
    rounds: 3, warmupSec: 0.1, measureSec: 0.5, budgets: { p50: 50, throughput: 50 },
    variants: { baseline: { target }, instrumented: { target } },
  }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('overbench realistic --dashboard', () => {
  it('serves the run live, links the report at the end, and exits with the verdict\'s code', async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/overbench.mjs'), 'realistic', '--scenario', scenario, '--out', path.join(dir, 'out'), '--seed', '4', '--dashboard'], {
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
    const states: LiveSnapshot[] = [];
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
    ws.on('message', (d) => states.push(JSON.parse(d.toString()).data));
    const reportLinked = new Promise<void>((resolve) => ws.on('message', () => states.at(-1)?.ended?.report && resolve()));
    await Promise.race([reportLinked, exited.then(() => { throw new Error(`exited before linking the report; stderr: ${stderr}`); })]);

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
    expect(stderr).toContain('the report is linked at');
  }, 120_000);

  it('a bad port is bad input (exit 2), named', async () => {
    const r = await overbench(['realistic', '--scenario', scenario, '--dashboard', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--dashboard "lots": expected a port 0..65535');
  });
});
