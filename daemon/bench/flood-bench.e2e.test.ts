/**
 * bench:flood's smoke mode: the abuser floods, is closed with 4029 (limits on) or served in full
 * (limits off), the probe measures through it, and every process stops. No timing is asserted:
 * the p99 ratio is the benchmark's to report, not a test's.
 */
import { spawn } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { alive, processTree } from '../../common/proc.ts';
import { REPO_ROOT } from '../../common/tsx.ts';

let seen: number[] = [];
afterEach(() => {
  for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
  seen = [];
});

it('runs in --test mode and reports both modes as JSON', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'daemon/bench/flood-bench.ts', '--test', '--json', '--no-redis'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const poll = setInterval(() => {
    for (const p of processTree(child.pid!)) if (!seen.includes(p)) seen.push(p);
  }, 200);
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  clearInterval(poll);
  expect(code, err).toBe(0);
  const res = JSON.parse(out.trim()) as {
    frames: number;
    samples: Array<{ mode: 'on' | 'off'; quiet: { n: number }; flood: { n: number }; abuser: { sent: number; replies: number; closeCodes: number[] } }>;
  };
  const on = res.samples.find((s) => s.mode === 'on')!;
  const off = res.samples.find((s) => s.mode === 'off')!;
  expect(on.quiet.n).toBe(100);
  expect(on.flood.n).toBeGreaterThan(0);
  // Limits on: the abuser is cut off (4029) and gets a small share of replies; off: two per call.
  expect(on.abuser.sent).toBe(res.frames);
  expect(on.abuser.closeCodes).toContain(4029);
  expect(on.abuser.replies).toBeLessThan(res.frames / 2);
  expect(off.abuser.replies).toBe(res.frames * 2);
  await new Promise((r) => setTimeout(r, 500));
  expect(seen.filter((p) => p !== child.pid && alive(p))).toEqual([]);
}, 120_000);
