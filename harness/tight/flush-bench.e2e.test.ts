import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FlushCost } from './flush-bench.ts';

describe('flush-bench --test', () => {
  it.each([[[]], [['--spread', '--idle', '50']]])('flushes through the world\'s Redis and reports CPU per flush, per round trip and per idle flush as JSON (%j)', async (extra: string[]) => {
    const script = fileURLToPath(new URL('./flush-bench.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--test', '--json', '--redis', 'fake', ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(0);
    const res = JSON.parse(out.trim()) as { redis: string; stages: string; rows: FlushCost[] };
    expect(res.redis).toBe('fake');
    expect(res.stages).toBe(extra.length > 0 ? 'spread' : 'none');
    expect(res.rows.map((r) => r.clients)).toEqual([8]);
    for (const k of ['flushUs', 'roundTripUs', 'idleUs', 'heldUs'] as const) expect(res.rows[0][k]).toBeGreaterThan(0);
  }, 90_000);
});
