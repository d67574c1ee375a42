import { spawnChild, type Child, type SpawnChildOptions } from '../../common/child-process/child.ts';

/**
 * Every process the harness starts is registered here and leads its own process group, so
 * stopping it reaches whatever it started too (a shell's server, an npm wrapper's node, the fakes'
 * redis-server). On exit, a crash or a second Ctrl-C everything left is killed.
 */
const live = new Set<Child>();

export function track<C extends Child>(child: C): C {
  live.add(child);
  void child.exited.then(() => live.delete(child));
  return child;
}

/** spawnChild() as a process-group leader, registered. */
export function spawnTracked(command: string, args: readonly string[], opts: Omit<SpawnChildOptions, 'group'>): Child {
  return track(spawnChild(command, args, { ...opts, group: true }));
}

/**
 * Stop every registered child, gracefully, in parallel. The run loop calls this at the end of a
 * scenario: anything a start-up left half-way (an abort while a daemon was booting) goes too.
 */
export async function stopAllChildren(graceMs = 5000): Promise<void> {
  await Promise.all([...live].map((c) => c.stop(graceMs)));
}

/** Synchronous last resort (process 'exit', crash): SIGKILL every group still registered. */
export function killAllNow(): void {
  for (const child of live) child.signal('SIGKILL');
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
