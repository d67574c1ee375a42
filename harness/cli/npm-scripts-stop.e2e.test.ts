/**
 * `npm run fakes`, `npm run daemon` and `npm run bench:realistic` leave nothing behind however they
 * are stopped: SIGTERM to the npm process (a CI step, a supervisor), SIGINT to the process group
 * (Ctrl-C), or SIGKILL of the npm process (the parent dies without a word).
 *
 * Each run carries a unique environment marker, inherited by everything it starts (node, the
 * fakes' redis-server and its watchdog, the reference daemons, the load driver), so the process
 * table finds them even after they were re-parented to PID 1; the npm process's descendants are
 * walked too (redis-server overwrites its environment with its title). Before the stop the test
 * checks that the expected pieces are up; after it, that none of the processes seen before the stop
 * (same pid, same start time), no marked process and no descendant of npm remains.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, readCmdline, readStat } from '../../common/proc.ts';
import { descendants, leftAfter, processesWithEnv } from '../../common/testing/procs.ts';
import { hasSystemDep } from '../../common/testing/system-deps.ts';
import { REPO_ROOT } from '../../common/tsx.ts';

const MARK = 'OVERBENCH_NPM_STOP_E2E';
type Stop = 'SIGTERM to npm' | 'SIGINT to the group' | 'SIGKILL of npm';
/** redis-server's own process title (its watchdog's command line names it too, with flags). */
const REDIS_SERVER = /redis-server [\d.]+:\d+/;
const STOPS: Stop[] = ['SIGTERM to npm', 'SIGINT to the group', 'SIGKILL of npm'];

const started = new Set<{ npm: ChildProcess; mark: string }>();
const dirs: string[] = [];

/** pid and command line, for messages and matching. */
function describePid(pid: number): string {
  const argv = readCmdline(pid);
  return `${pid}: ${argv ? argv.join(' ').trim() : '(gone)'}`;
}

/** Start time: tells a pid from its reuse. */
const startTime = (pid: number): number | null => readStat(pid)?.starttime ?? null;

/**
 * Everything of one run: the npm process's descendants (redis-server among them: it overwrites its
 * environment with its process title, so the marker misses it) and every process carrying the
 * marker (found even once re-parented to PID 1).
 */
function processesOf(npmPid: number, mark: string): number[] {
  return [...new Set([...descendants(npmPid), ...processesWithEnv(MARK, mark)])];
}

/** `npm run <script> -- <args>` as the leader of a new process group, stdout and stderr collected. */
function npmRun(script: string, args: string[], env: Record<string, string>) {
  const mark = randomUUID();
  const npm = spawn('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
    cwd: REPO_ROOT,
    detached: true,
    env: { ...process.env, REDIS_URL: '', DATABASE_URL: '', ...env, [MARK]: mark },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  npm.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  npm.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => npm.once('exit', (code) => r(code)));
  const run = { npm, mark, exited, out: () => stdout, err: () => stderr };
  started.add(run);
  return run;
}

/** Command lines of the run's processes. */
function running(run: { npm: ChildProcess; mark: string }): string[] {
  return processesOf(run.npm.pid!, run.mark).map(describePid);
}

/** Poll until `ready()` holds (or fail with what the run printed). */
async function until(what: string, ready: () => boolean, run: { out(): string; err(): string; npm: ChildProcess }, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (run.npm.exitCode !== null || run.npm.signalCode !== null) throw new Error(`npm ended before ${what}:\n${run.out()}\n${run.err()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms / 1000} s:\n${run.out()}\n${run.err()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Stop the way `how` says, then wait until nothing of the run remains: no process seen before the
 * stop (same pid and start time), no marked process, no descendant of npm.
 */
async function stopAndCheck(run: ReturnType<typeof npmRun>, how: Stop): Promise<number | null> {
  const pid = run.npm.pid!;
  const before = new Map(processesOf(pid, run.mark).map((p) => [p, startTime(p)]));
  if (how === 'SIGTERM to npm') process.kill(pid, 'SIGTERM');
  else if (how === 'SIGINT to the group') process.kill(-pid, 'SIGINT');
  else process.kill(pid, 'SIGKILL');
  const code = await run.exited;
  const remaining = () => {
    const seen = [...before].filter(([p, t]) => t !== null && alive(p) && startTime(p) === t).map(([p]) => p);
    return [...new Set([...seen, ...processesOf(pid, run.mark)])];
  };
  // Graceful shutdowns (redis-server's, the daemons' and the driver's) take a moment.
  const left = await leftAfter(remaining, 15_000);
  expect(left.map(describePid), `left after ${how}`).toEqual([]);
  started.delete(run);
  return code;
}

afterAll(async () => {
  // A failed test may leave its run: stop it for sure (the group, then every marked process).
  for (const { npm, mark } of started) {
    try {
      process.kill(-npm.pid!, 'SIGKILL');
    } catch {
      // gone
    }
    for (const pid of processesWithEnv(MARK, mark)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// Where redis-server is installed, the fakes start one, and the tests check it is stopped too;
// without it the world's Redis is the RESP fake inside the fakes process.
const redis = hasSystemDep('redis-server') ? 'real' : 'fake';
const redisUp = (cmds: string[]): boolean => redis === 'fake' || cmds.some((c) => REDIS_SERVER.test(c));

describe.concurrent('npm scripts leave nothing behind', () => {
  for (const how of STOPS) {
    it(`npm run fakes: ${how}`, async () => {
      const run = npmRun('fakes', ['--redis', redis], {});
      await until('endpoints line', () => run.out().includes(`"redisKind":"${redis}"`), run);
      const up = running(run);
      expect(up.some((c) => c.includes('fakes/main.ts'))).toBe(true);
      expect(redisUp(up)).toBe(true);
      await stopAndCheck(run, how);
    }, 90_000);

    it(`npm run daemon: ${how}`, async () => {
      const run = npmRun('daemon', [], {
        EXAI_WS_HOST: '127.0.0.1',
        EXAI_WS_PORT: '0',
        EXAI_MONITORING_HOST: '127.0.0.1',
        EXAI_MONITORING_PORT: '0',
        EXAI_DASHBOARD_PORT: '0',
        METRICS_BACKEND: 'fast',
      });
      await until('ready line', () => run.out().includes('"event":"ready"'), run);
      expect(running(run).some((c) => c.includes('daemon/main.ts'))).toBe(true);
      const code = await stopAndCheck(run, how);
      // A graceful close exits 0 (npm passes the code on), also for the Ctrl-C that reaches the
      // daemon twice (from the group and forwarded by npm); a forced one would exit 1.
      if (how !== 'SIGKILL of npm') expect(code, run.err()).toBe(0);
    }, 90_000);

    it(`npm run bench:realistic, mid-run: ${how}`, async () => {
      const out = mkdtempSync(join(tmpdir(), 'overbench-npm-stop-'));
      dirs.push(out);
      const run = npmRun('bench:realistic', ['--scenario', 'hot-path-open', '--profile', 'smoke', '--seed', '3', '--out', out], {});
      // Mid-run: the fakes (with their redis-server), both reference daemons and the driver are up.
      await until(
        'fakes, two daemons and a driver',
        () => {
          const cmds = running(run);
          return (
            cmds.filter((c) => c.includes('daemon/main.ts')).length >= 2 &&
            redisUp(cmds) &&
            cmds.some((c) => c.includes('harness/driver/main.ts'))
          );
        },
        run,
      );
      await stopAndCheck(run, how);
      // Stopped runs write nothing half-done.
      expect(readdirSync(out)).toEqual([]);
    }, 120_000);
  }
});
