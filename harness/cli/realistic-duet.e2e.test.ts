import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, cpusAllowed, threadsOf } from '../../common/proc.ts';
import { processesMatching } from '../../common/testing/procs.ts';
import { REPO_ROOT } from '../../common/tsx.ts';
import { Result } from '../result/schema.ts';
import { cpusetHierarchy, groupOwner } from '../targets/cpuset.ts';
import { duetCpus, findTaskset } from '../targets/pin.ts';
import { overbench } from './testing/cli.ts';

/**
 * `overbench realistic` with `design: 'duet'`: both variants' windows at once, each target tree
 * on its own core (alternating every 20 ms in cpuset groups, or pinned with taskset and swapped
 * every round), read from /proc while it runs.
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

/** The duet scenario file: two fixture servers, one per variant, tagged so /proc can tell them apart. */
async function duetScenario(): Promise<string> {
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
  return file;
}

/** Runs `overbench realistic` on the duet scenario while polling which single core each variant's threads are on. */
async function runWatchingCores(args: string[], seed: string): Promise<{ result: ReturnType<typeof Result.parse>; seen: Set<string> }> {
  const seen = new Set<string>();
  const poll = setInterval(() => {
    const single = (l: number[][]) => (l.length > 0 && l.every((c) => c.length === 1 && c[0] === l[0][0]) ? l[0][0] : null);
    const [cb, ci] = [single(cpusOf(`${TAG}-b`)), single(cpusOf(`${TAG}-i`))];
    if (cb !== null && ci !== null) seen.add(`${cb}/${ci}`);
  }, 5);
  const out = path.join(dir, 'out');
  const ran = await overbench(['realistic', '--scenario', await duetScenario(), '--profile', 'smoke', ...args, '--out', out, '--seed', seed, '--json'], { timeoutMs: 40_000 }).finally(() => clearInterval(poll));
  expect([0, 1, 3], ran.stderr).toContain(ran.code);
  expect(processesMatching(TAG)).toEqual([]);
  // The result on disk is the one printed.
  expect(JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')).scenarios[0].design).toBe('duet');
  return { result: Result.parse(JSON.parse(ran.stdout)), seen };
}

function expectBothAtOnce(s: ReturnType<typeof Result.parse>['scenarios'][number]): void {
  expect(s.design).toBe('duet');
  expect(s.rounds).toHaveLength(10);
  for (let round = 1; round <= 5; round++) {
    const both = s.rounds.filter((r) => r.round === round);
    expect(both.map((r) => r.variant).sort()).toEqual(['baseline', 'instrumented']);
    for (const r of both) {
      expect(r.requests).toBeGreaterThan(0);
      expect(r.order).toBe(0);
    }
  }
}

/**
 * Groups whose run is over (`overbench-<harness pid>-<variant>`, its pid gone): what a run failed
 * to remove. Groups of runs still going (other test files run beside this one) are theirs.
 */
const cpusetGroupsLeft = (parent: string | null) =>
  parent
    ? readdirSync(parent).filter((n) => {
        const owner = groupOwner(n);
        return owner !== null && !alive(owner);
      })
    : [];

describe('overbench realistic, duet design', () => {
  const pinnable = findTaskset() !== undefined && duetCpus() !== null;
  const cpusetParent = duetCpus() !== null ? cpusetHierarchy() : null;

  it('by default alternates the two variants between two cores every few ms (cpuset groups, where they can be made)', async () => {
    const { result, seen } = await runWatchingCores([], '5');
    const s = result.scenarios[0];
    expectBothAtOnce(s);
    if (cpusetParent) {
      expect(s.pinning).toBe('cpuset');
      expect(s.coreSwap).toBe('rapid');
      // While it ran: the targets on different single cores, in both arrangements.
      const [cpu0, cpu1] = duetCpus()!;
      expect([...seen], 'both arrangements seen').toEqual(expect.arrayContaining([`${cpu0}/${cpu1}`, `${cpu1}/${cpu0}`]));
      for (const r of s.rounds) expect(r.core).toBeUndefined();
      // The groups are gone with the run.
      expect(cpusetGroupsLeft(cpusetParent)).toEqual([]);
    } else {
      // Without cpusets: taskset and a swap halfway through each window, or nothing to place with.
      expect(s.pinning).toBe(pinnable ? 'taskset' : 'none');
      expect(s.coreSwap).toBe(pinnable ? 'mid-window' : undefined);
    }
  }, 60_000);

  it('with --core-swap mid-window pins each target to its own core with taskset, the cores swapped every round', async () => {
    const { result, seen } = await runWatchingCores(['--core-swap', 'mid-window'], '6');
    const s = result.scenarios[0];
    expectBothAtOnce(s);
    expect(s.pinning).toBe(pinnable ? 'taskset' : 'none');
    expect(s.coreSwap).toBe(pinnable ? 'mid-window' : undefined);
    if (!pinnable) return;
    const [cpu0, cpu1] = duetCpus()!;
    for (let round = 1; round <= 5; round++) {
      const core = (v: string) => s.rounds.find((r) => r.round === round && r.variant === v)!.core;
      // Baseline on the first core in even rounds, on the second in odd ones; instrumented opposite.
      expect([core('baseline'), core('instrumented')]).toEqual(round % 2 === 0 ? [cpu0, cpu1] : [cpu1, cpu0]);
    }
    // Seen on /proc while running: the two targets' threads on different single cores.
    expect([...seen].some((pair) => pair.split('/')[0] !== pair.split('/')[1]), `observed ${[...seen].join(', ')}`).toBe(true);
  }, 60_000);

  it('with --core-swap round says so in the result', async () => {
    const out = path.join(dir, 'out-round');
    const rounds = await overbench(['realistic', '--scenario', await duetScenario(), '--profile', 'smoke', '--rounds', '1', '--core-swap', 'round', '--out', out, '--seed', '6', '--json'], { timeoutMs: 40_000 });
    expect([0, 1, 3], rounds.stderr).toContain(rounds.code);
    expect(Result.parse(JSON.parse(rounds.stdout)).scenarios[0].coreSwap).toBe(pinnable ? 'round' : undefined);
  }, 60_000);
});
