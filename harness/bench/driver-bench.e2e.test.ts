import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('bench:driver --test', () => {
  it('runs a tiny round and reports both rates, the ratio and CPU per request as JSON', async () => {
    const script = fileURLToPath(new URL('./driver-bench.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--test', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(0);
    const summary = JSON.parse(out.trim()) as { bareRps: number; driverRps: number; ratio: number; driverCpuUsPerRequest: number; rounds: unknown[] };
    expect(summary.rounds).toHaveLength(1);
    expect(summary.bareRps).toBeGreaterThan(0);
    expect(summary.driverRps).toBeGreaterThan(0);
    expect(summary.ratio).toBeCloseTo(summary.driverRps / summary.bareRps, 5);
    expect(summary.driverCpuUsPerRequest).toBeGreaterThan(0);
  }, 60_000);
});
