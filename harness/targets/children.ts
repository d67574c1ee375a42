import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Every process the harness starts is registered here and started as its own process group
 * (detached), so stopping it reaches whatever it started too (a shell's server, an npm wrapper's
 * node, the fakes' redis-server). On exit, a crash or a second Ctrl-C everything left is killed.
 */
const live = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** spawn() as a process-group leader, registered. stdio defaults to pipes the caller must drain. */
export function spawnTracked(command: string, args: readonly string[], opts: SpawnOptions): ChildProcess {
  return track(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts, detached: true }));
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * SIGTERM to the group (graceful: a daemon flushes its metrics, the fakes stop redis-server), then
 * SIGKILL to the group after `graceMs` or as soon as the leader is gone, for stragglers.
 */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (!hasExited(child)) killGroup(child, 'SIGTERM');
  await waitExit(child, graceMs);
  killGroup(child, 'SIGKILL');
  await waitExit(child, 1000);
  live.delete(child);
}

/**
 * Stop every registered child, gracefully, in parallel. The run loop calls this at the end of a
 * scenario: anything a start-up left half-way (an abort while a daemon was booting) goes too.
 */
export async function stopAllChildren(graceMs = 5000): Promise<void> {
  await Promise.all([...live].map((c) => stopChild(c, graceMs)));
}

/** Synchronous last resort (process 'exit', crash): SIGKILL every group still registered. */
export function killAllNow(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
}

export function liveChildren(): number {
  return live.size;
}

let installed = false;

/** Kill every registered group when this process exits for any reason it can observe. */
export function installExitCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllNow);
  process.on('uncaughtException', (err) => {
    killAllNow();
    process.stderr.write(`overbench: internal error: ${err.stack ?? err.message}\n`);
    process.exit(2);
  });
  process.on('unhandledRejection', (err) => {
    killAllNow();
    process.stderr.write(`overbench: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(2);
  });
}
