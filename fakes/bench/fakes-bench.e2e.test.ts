/** `npm run bench:fakes` as a process: JSON output, exit codes, no fake left running. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alive } from '../../common/proc.ts';

const SCRIPT = fileURLToPath(new URL('./fakes-bench.ts', import.meta.url));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('bench:fakes', () => {
  it('measures the provider fake, prints one JSON line and stops its child', async () => {
    const r = await run(['--only', 'provider', '--duration', '1', '--warmup', '0', '--connections', '4', '--goal', '1', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { rows: Record<string, number | string | boolean>[]; fakePids: number[] };
    expect(out.rows).toHaveLength(1);
    expect(out.rows[0]).toMatchObject({ fake: 'provider', non2xx: 0, errors: 0, met: true });
    expect(out.rows[0].reqPerSec as number).toBeGreaterThan(1);
    expect(out.rows[0].requests as number).toBeGreaterThan(1);
    expect(out.fakePids).toHaveLength(1);
    expect(alive(out.fakePids[0])).toBe(false);
  });

  it('a missed goal exits 1', async () => {
    const r = await run(['--only', 'provider', '--duration', '1', '--warmup', '0', '--connections', '2', '--goal', '1e12', '--json']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { rows: { met: boolean }[] }).rows[0].met).toBe(false);
  });

  it.each([
    [['--only', 'redis'], /^bench:fakes: --only: expected provider or supabase, got "redis"\n$/],
    [['--duration', 'x'], /^bench:fakes: --duration: expected a number >= 1/],
    [['--turbo'], /^bench:fakes: .*turbo/],
  ])('bad flags %j exit 2 with one line', async (args, why) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });
});
