/**
 * A child process we own: its output drained and its last lines kept, its end reported once with
 * why (the stderr tail included), and stopped with grace: asked to end (SIGTERM), killed if it
 * has not after a grace period. Spawned programs and forked modules (fork.ts) are both this.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { describeTail, LineTail } from './output.ts';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildOptions {
  /** Names it in messages: "fakes", "baseline driver". */
  name: string;
  /**
   * Lead a new process group, and signal the whole group: whatever it started goes too (a shell's
   * server, an npm wrapper's node, the fakes' redis-server).
   */
  group?: boolean;
}

export type SpawnChildOptions = ChildOptions & Pick<SpawnOptions, 'env' | 'cwd' | 'shell' | 'stdio'>;

/** After a SIGKILL, how long to wait for the exit to be reported. */
const KILL_WAIT_MS = 1000;
/** How long the stderr reader gets to deliver the last lines (which say why) before the end is reported. */
const TAIL_SETTLE_MS = 50;

export class Child {
  readonly name: string;
  readonly pid: number;
  /** null where the stream is not piped to us. */
  readonly stdout: LineTail | null;
  readonly stderr: LineTail | null;
  /** Resolves once the process is gone (or could not start: code and signal null). */
  readonly exited: Promise<Exit>;
  /** Resolves with a one-line reason ("NAME exited with code 3; last stderr lines: ...") once it is gone. */
  readonly ended: Promise<string>;
  /** Like `ended`, but only for an end nobody asked for: never resolves once stop() was called. */
  readonly died: Promise<string>;
  readonly process: ChildProcess;
  private readonly group: boolean;
  private exit: Exit | null = null;
  private reason: string | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;

  constructor(child: ChildProcess, opts: ChildOptions) {
    this.process = child;
    this.name = opts.name;
    this.group = opts.group ?? false;
    this.pid = child.pid ?? -1;
    this.stdout = child.stdout ? new LineTail(child.stdout) : null;
    this.stderr = child.stderr ? new LineTail(child.stderr) : null;
    let why = '';
    this.exited = new Promise((resolve) => {
      const settle = (exit: Exit, what: string) => {
        if (this.exit) return;
        this.exit = exit;
        why = what;
        resolve(exit);
      };
      if (child.exitCode !== null || child.signalCode !== null) {
        settle({ code: child.exitCode, signal: child.signalCode }, describeExit(child.exitCode, child.signalCode));
      }
      child.once('exit', (code, signal) => settle({ code, signal }, describeExit(code, signal)));
      // Also keeps an 'error' (a failed spawn, a failed kill) from being an uncaught exception.
      child.on('error', (e) => {
        if (child.pid === undefined) settle({ code: null, signal: null }, `could not start: ${e.message}`);
      });
    });
    this.ended = this.exited.then(
      () =>
        new Promise<string>((resolve) =>
          setTimeout(() => resolve((this.reason = `${this.name} ${why}${describeTail(this.stderr)}`)), TAIL_SETTLE_MS),
        ),
    );
    this.died = new Promise((resolve) => void this.ended.then((reason) => !this.stopping && resolve(reason)));
  }

  hasExited(): boolean {
    return this.exit !== null;
  }

  /** The reason of `ended`, or null while it runs. */
  exitReason(): string | null {
    return this.reason;
  }

  /** Send a signal to the process (its group, for a group leader); nothing if it is gone. */
  signal(sig: NodeJS.Signals): void {
    if (this.pid < 0) return;
    try {
      if (this.group) process.kill(-this.pid, sig);
      else if (!this.hasExited()) this.process.kill(sig);
    } catch {
      // ESRCH: already gone.
    }
  }

  /**
   * Ask it to end (SIGTERM: a daemon flushes its metrics, the fakes stop redis-server), SIGKILL
   * after `graceMs`; a group gets the SIGKILL even once its leader is gone, for stragglers.
   * Idempotent; resolves when it is gone.
   */
  stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    this.stopped ??= (async () => {
      if (!this.hasExited()) this.askToEnd();
      await this.waitExit(graceMs);
      if (this.group || !this.hasExited()) this.signal('SIGKILL');
      await this.waitExit(KILL_WAIT_MS);
    })();
    return this.stopped;
  }

  /** How stop() asks; a forked child may be asked over its channel instead. */
  protected askToEnd(): void {
    this.signal('SIGTERM');
  }

  private waitExit(ms: number): Promise<void> {
    if (this.hasExited()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      void this.exited.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/** spawn() as a Child; stdio defaults to ignore, pipe, pipe (both drained). */
export function spawnChild(command: string, args: readonly string[], opts: SpawnChildOptions): Child {
  const { name, group, ...spawnOptions } = opts;
  return new Child(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions, detached: group ?? false }), { name, group });
}
