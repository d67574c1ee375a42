/** bench:daemon's smoke mode: every target starts, takes load and is reported; processes stop. */
import { expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../../common/tsx.ts';

it('runs in --test mode and reports every target as JSON', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'daemon/bench/daemon-bench.ts', '--test', '--json'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  expect(code, err).toBe(0);
  const res = JSON.parse(out.trim()) as { rows: Array<{ target: string; rate: number }> };
  expect(res.rows.map((r) => r.target)).toEqual(['none', 'fast', 'bare-ws']);
  for (const r of res.rows) expect(r.rate).toBeGreaterThan(0);
}, 120_000);
