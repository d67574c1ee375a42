import type { ChildProcess } from 'node:child_process';
import { UsageError } from '../../common/exit-codes.ts';
import { describeTail, firstJsonLine, LineTail } from './output-lines.ts';
import { spawnTracked, stopChild } from './children.ts';

/** A child process the harness owns: output drained and kept, death reported once, stop idempotent. */
export interface OwnedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly stdout: LineTail;
  readonly stderr: LineTail;
  /** Resolves with a one-line reason if the process ends before stop() was called. */
  readonly died: Promise<string>;
  /** Non-null once the process has ended (for polling during start-up). */
  exitReason(): string | null;
  stop(): Promise<void>;
}

export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; shell?: boolean },
): OwnedProcess {
  const child = spawnTracked(command, args, { env: opts.env, cwd: opts.cwd, shell: opts.shell });
  const stdout = new LineTail(child.stdout);
  const stderr = new LineTail(child.stderr);
  let reason: string | null = null;
  let stopping = false;
  let stopped: Promise<void> | null = null;
  const died = new Promise<string>((resolve) => {
    const report = (why: string) => {
      if (reason !== null) return;
      // Give the stderr reader a moment to deliver the last lines, which say why.
      setTimeout(() => {
        reason = `${name} ${why}${describeTail(stderr)}`;
        if (!stopping) resolve(reason);
      }, 50);
    };
    child.once('exit', (code, signal) => report(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    child.once('error', (e) => report(`could not start: ${e.message}`));
  });
  return {
    child,
    pid: child.pid ?? -1,
    stdout,
    stderr,
    died,
    exitReason: () => reason,
    stop() {
      stopping = true;
      stopped ??= stopChild(child);
      return stopped;
    },
  };
}

/**
 * The child's ready line: the first JSON line on stdout that `accept` takes. If the child dies or
 * is silent for `timeoutMs` first, it is stopped and a UsageError says why (exit 2).
 */
export async function awaitReadyLine<T>(
  proc: OwnedProcess,
  accept: (v: Record<string, unknown>) => boolean,
  timeoutMs: number,
  timeoutMessage: () => string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    firstJsonLine<T>(proc.stdout, accept),
    proc.died.then((why) => new UsageError(why)),
    new Promise<UsageError>((r) => {
      timer = setTimeout(() => r(new UsageError(timeoutMessage())), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (outcome instanceof UsageError) {
    await proc.stop();
    throw outcome;
  }
  return outcome;
}
