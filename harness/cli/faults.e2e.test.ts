/**
 * `overbench faults --profile smoke`: every built-in fault scenario (provider 429 storm and
 * timeouts, Supabase 5xx and slowness, a Redis outage, a reconnect storm, slow consumers) against
 * the reference daemon, with its invariants: every request answered exactly once, the daemon's
 * exact totals equal to the clients' frames, bounded RSS, and each scenario's expectations of the
 * daemon (the circuit opened and closed again, results came back after the fault).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSystemDep } from '../../common/testing/system-deps.ts';
import { processesMatching } from '../../common/testing/procs.ts';
import { count, interruptWhen, overbench } from './testing/cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-faults-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  scenario: string;
  ok: boolean;
  skipped?: string;
  requests: { sent: number; lost: number; duplicated: number };
  checks: { name: string; ok: boolean; detail: string }[];
}

describe('overbench faults --profile smoke', () => {
  it('every fault scenario holds every invariant; the result is written whole; nothing is left running', async () => {
    const out = path.join(dir, 'out');
    const ran = await overbench(['faults', '--profile', 'smoke', '--seed', '4', '--out', out, '--json'], { timeoutMs: 400_000 });
    const body = JSON.parse(ran.stdout) as { ok: boolean; scenarios: Outcome[] };
    const failed = body.scenarios.flatMap((s) => s.checks.filter((c) => !c.ok).map((c) => `${s.scenario}: ${c.name}: ${c.detail}`));
    expect(failed).toEqual([]);
    expect(ran.code, ran.stderr).toBe(0);
    const names = body.scenarios.map((s) => s.scenario).sort();
    expect(names).toEqual(['provider-429-storm', 'provider-timeouts', 'reconnect-storm', 'redis-outage', 'slow-consumers', 'supabase-errors']);
    for (const s of body.scenarios) {
      if (s.scenario === 'redis-outage' && !hasSystemDep('redis-server')) {
        expect(s.skipped).toBe('needs redis-server on PATH');
        continue;
      }
      expect(s.skipped).toBeUndefined();
      expect(s.requests.sent).toBeGreaterThan(0);
      expect(s.requests.lost + s.requests.duplicated).toBe(0);
    }
    const [runDir] = readdirSync(path.join(out, 'faults'));
    expect(readdirSync(path.join(out, 'faults', runDir))).toEqual(['faults.json']);
    expect(JSON.parse(readFileSync(path.join(out, 'faults', runDir, 'faults.json'), 'utf8'))).toEqual(body);
    expect(processesMatching('fakes/main.ts', out)).toEqual([]);
  }, 420_000);

  it('SIGTERM mid-timeline: exit 143, no daemon, fakes or redis-server left, nothing written', async () => {
    const out = path.join(dir, 'out-sigterm');
    const { ran, seen, left } = await interruptWhen(['faults', '--scenario', 'provider-429-storm', '--out', out], {
      ready: (cmds) => count(cmds, 'daemon/main.ts') >= 1,
      delayMs: 3000,
      timeoutMs: 60_000,
      signal: 'SIGTERM',
    });
    expect(ran.code, ran.stderr).toBe(143);
    expect(count(seen, 'fakes/main.ts')).toBe(1);
    expect(left).toEqual([]);
    expect(existsSync(out)).toBe(false);
  }, 70_000);

  it('a broken fault scenario: one line naming the file and field, exit 2', async () => {
    const file = path.join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ name: 'bad', description: 'x', clients: 0, mix: [{ weight: 1, tool: 'status' }], phases: [{ name: 'a', sec: 1, provdier: {} }] }));
    const ran = await overbench(['faults', '--scenario', file], { timeoutMs: 60_000 });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe(`overbench faults: ${file}: clients: expected a number > 0, got 0; ${file}: phases[0].provdier: unknown field\n`);
  }, 70_000);
});
