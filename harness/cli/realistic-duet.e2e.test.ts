import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpusAllowed, threadsOf } from '../../common/proc.ts';
import { processesMatching } from '../../common/testing/procs.ts';
import { REPO_ROOT } from '../../common/tsx.ts';
import { Result } from '../result/schema.ts';
import { duetCpus, findTaskset } from '../targets/pin.ts';
import { overbench } from './testing/cli.ts';

/**
 * `overbench realistic` with `design: 'duet'`: both variants' windows at once, each target tree
 * pinned to its own core (swapped every round), read from /proc while it runs.
 */
const FIXTURE = path.join(REPO_ROOT, 'harness/targets/fixtures/exai-server.mjs');
const TAG = `duet-e2e-${process.pid}`;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-duet-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The CPUs every thread of every process of one variant's target may use, as one sorted list per thread set. */
function cpusOf(tag: string): number[][] {
  return processesMatching(tag, FIXTURE).flatMap((pid) => threadsOf(pid).map((tid) => cpusAllowed(pid, tid) ?? []));
}

describe('overbench realistic, duet design', () => {
  it('runs both variants at once, each target pinned to its own core, the cores swapped every round', async () => {
    const target = (variant: string) => `spawn:node ${FIXTURE} --port {port} --tag ${TAG}-${variant}`;
    const file = path.join(dir, 'duet.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'duet-echo',
        clients: 2,
        load: { model: 'closed', thinkTime: 'constant:v=1ms' },
        mix: [{ weight: 1, tool: 'echo', args: { text: 'hello' } }],
        design: 'duet',
        variants: { baseline: { target: target('b') }, instrumented: { target: target('i') } },
        budgets: { p50: 50, p99: 100, throughput: 50, cpuPerRequest: 100 },
        profiles: { smoke: { rounds: 5, warmupSec: 0.3, measureSec: 1 } },
      }),
    );
    const pinnable = findTaskset() !== undefined && duetCpus() !== null;
    // While it runs: moments where each variant's threads are all on one core, and not the same one.
    const seen = new Set<string>();
    const poll = setInterval(() => {
      const b = cpusOf(`${TAG}-b`);
      const i = cpusOf(`${TAG}-i`);
      const single = (l: number[][]) => (l.length > 0 && l.every((c) => c.length === 1 && c[0] === l[0][0]) ? l[0][0] : null);
      const [cb, ci] = [single(b), single(i)];
      if (cb !== null && ci !== null) seen.add(`${cb}/${ci}`);
    }, 40);
    const out = path.join(dir, 'out');
    const ran = await overbench(['realistic', '--scenario', file, '--profile', 'smoke', '--out', out, '--seed', '5', '--json'], { timeoutMs: 40_000 }).finally(() => clearInterval(poll));
    expect([0, 1, 3], ran.stderr).toContain(ran.code);
    const s = Result.parse(JSON.parse(ran.stdout)).scenarios[0];
    expect(s.design).toBe('duet');
    expect(s.pinning).toBe(pinnable ? 'taskset' : 'none');
    expect(s.coreSwap).toBe(pinnable ? 'mid-window' : undefined);
    expect(s.rounds).toHaveLength(10);
    for (let round = 1; round <= 5; round++) {
      const both = s.rounds.filter((r) => r.round === round);
      expect(both.map((r) => r.variant).sort()).toEqual(['baseline', 'instrumented']);
      for (const r of both) {
        expect(r.requests).toBeGreaterThan(0);
        expect(r.order).toBe(0);
      }
      if (!pinnable) continue;
      const [cpu0, cpu1] = duetCpus()!;
      const core = (v: string) => both.find((r) => r.variant === v)!.core;
      // Baseline on the first core in even rounds, on the second in odd ones; instrumented opposite.
      expect([core('baseline'), core('instrumented')]).toEqual(round % 2 === 0 ? [cpu0, cpu1] : [cpu1, cpu0]);
    }
    if (pinnable) {
      // Seen on /proc while running: the two targets' threads on different single cores.
      expect([...seen].some((pair) => pair.split('/')[0] !== pair.split('/')[1]), `observed ${[...seen].join(', ')}`).toBe(true);
    }
    expect(processesMatching(TAG)).toEqual([]);
    // The result on disk is the one printed.
    expect(JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')).scenarios[0].design).toBe('duet');
    // --core-swap reaches the run (swaps at rounds only), and the result says which.
    const rounds = await overbench(['realistic', '--scenario', file, '--profile', 'smoke', '--rounds', '1', '--core-swap', 'round', '--out', out, '--seed', '6', '--json'], { timeoutMs: 40_000 });
    expect([0, 1, 3], rounds.stderr).toContain(rounds.code);
    expect(Result.parse(JSON.parse(rounds.stdout)).scenarios[0].coreSwap).toBe(pinnable ? 'round' : undefined);
  }, 90_000);
});
