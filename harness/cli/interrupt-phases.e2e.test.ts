/**
 * A signal is final at every phase of a run (README, "Exit codes"): fakes starting, targets
 * starting, warm-up, measuring and writing. Each ends with 130 (SIGINT) or 143 (SIGTERM), leaves no
 * process it started, keeps every file already complete and no partial (or temporary) file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAtomicTemp } from '../../common/atomic-write.ts';
import { alive, processTree } from '../../common/proc.ts';
import { Result } from '../result/schema.ts';
import { count, interruptWhen, overbench } from './testing/cli.ts';

let dir: string;
let scenario: string;
/** Every pid seen below a run: afterEach makes sure none outlives its test, pass or fail. */
const seenPids = new Set<number>();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'overbench-phases-'));
  scenario = path.join(dir, 'phases.json');
  // One round of a long warm-up and a long measured window, so a signal lands well inside each.
  await writeFile(scenario, JSON.stringify({
    name: 'phases',
    clients: 2,
    load: { model: 'closed', thinkTime: 'constant:v=2ms' },
    mix: [{ weight: 1, tool: 'status' }],
    env: { EXAI_DASHBOARD_PORT: 'off' },
    rounds: 1,
    warmupSec: 6,
    measureSec: 6,
    budgets: { p50: 50 },
  }));
});
afterEach(() => {
  for (const pid of seenPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  seenPids.clear();
});
afterAll(async () => {
  delete process.env.OVERBENCH_TEST_WRITE_PAUSE_MS;
  await rm(dir, { recursive: true, force: true });
});

function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((name) => {
    const p = path.join(root, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

const daemons = (cmds: string[]) => count(cmds, 'daemon/main.ts') >= 2 && count(cmds, 'driver/main.ts') >= 2;
const PHASES = [
  { phase: 'fakes starting', signal: 'SIGINT', ready: (c: string[]) => count(c, 'fakes/main.ts') >= 1, delayMs: 0 },
  { phase: 'targets starting', signal: 'SIGTERM', ready: (c: string[]) => count(c, 'daemon/main.ts') >= 1, delayMs: 0 },
  // Both daemons spawned: they are ready and the drivers connected within ~1-2 s here, then the
  // 6 s warm-up runs, then the 6 s measured window. 4 s in is inside the warm-up, 11 s in inside
  // the measured window, each with ~3 s of slack either side.
  { phase: 'warm-up', signal: 'SIGINT', ready: daemons, delayMs: 4000 },
  { phase: 'measuring', signal: 'SIGTERM', ready: daemons, delayMs: 11_000 },
] as const;

describe('a signal at each phase of a realistic run', () => {
  for (const p of PHASES) {
    const code = p.signal === 'SIGINT' ? 130 : 143;
    it(`${p.phase}, ${p.signal}: exit ${code}, nothing left running, nothing written`, async () => {
      const out = path.join(dir, `out-${p.phase.replace(/\W+/g, '-')}`);
      const { ran, seen, left } = await interruptWhen(['realistic', '--scenario', scenario, '--out', out, '--seed', '1'], {
        ready: p.ready,
        delayMs: p.delayMs,
        timeoutMs: 90_000,
        signal: p.signal,
      });
      expect(ran.code, ran.stderr).toBe(code);
      expect(seen.length).toBeGreaterThan(0);
      expect(left).toEqual([]);
      expect(filesUnder(out)).toEqual([]);
    }, 100_000);
  }

  it('writing, SIGTERM: exit 143, the files written before the signal are whole, none after, no temporary file', async () => {
    const out = path.join(dir, 'out-writing');
    // Test hook of harness/report/write-run.ts: a pause before each file, so the signal lands between two.
    process.env.OVERBENCH_TEST_WRITE_PAUSE_MS = '1500';
    try {
      const fast = { ...JSON.parse(readFileSync(scenario, 'utf8')), warmupSec: 0.2, measureSec: 0.5 };
      const file = path.join(dir, 'phases-short.json');
      await writeFile(file, JSON.stringify(fast));
      const ran = await overbench(['realistic', '--scenario', file, '--out', out, '--seed', '1'], {
        timeoutMs: 90_000,
        onSpawn: (pid) => {
          const poll = setInterval(() => {
            for (const p of processTree(pid)) seenPids.add(p);
            if (!filesUnder(out).some((f) => f.endsWith('result.json'))) return;
            clearInterval(poll);
            process.kill(pid, 'SIGTERM');
          }, 50);
          setTimeout(() => clearInterval(poll), 90_000).unref();
        },
      });
      expect(ran.code, ran.stderr).toBe(143);
      const files = filesUnder(out);
      expect(files.filter((f) => isAtomicTemp(path.basename(f)))).toEqual([]);
      // result.json was complete when the signal came: it stays and validates; latest.json (next) never came.
      expect(files.map((f) => path.basename(f))).toEqual(['result.json']);
      expect(() => Result.parse(JSON.parse(readFileSync(files[0], 'utf8')))).not.toThrow();
      expect([...seenPids].filter((p) => alive(p))).toEqual([]);
    } finally {
      delete process.env.OVERBENCH_TEST_WRITE_PAUSE_MS;
    }
  }, 100_000);
});
