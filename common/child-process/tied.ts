/**
 * Start a server binary (redis-server, postgres) so that it cannot outlive us. The binary runs
 * under a small `sh` watchdog that holds our end of a pipe on its stdin: when we close it
 * (close()), exit, crash or are killed with SIGKILL, the pipe reaches EOF and the watchdog stops
 * the server (with the stop signal) and removes its scratch directory. On a normal exit an 'exit' handler also
 * signals the server synchronously, so nothing is left even for an instant after `process.exit()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { alive } from '../proc.ts';

// $1 = dir to remove afterwards, $2 = stop signal, the rest = the command. Background jobs of a
// non-interactive shell get /dev/null as stdin, so the watcher reads a duplicate (fd 3) of the real one.
const WATCHDOG = `
dir=$1; sig=$2; shift 2
exec 3<&0
"$@" </dev/null &
pid=$!
echo "$pid"
{ read -r _ <&3; kill -"$sig" "$pid" 2>/dev/null; } &
wait "$pid"; status=$?
rm -rf "$dir"
exit $status
`;

export interface TiedOptions {
  /**
   * How the watchdog and close() stop the server (default TERM). PostgreSQL wants QUIT
   * (immediate shutdown): TERM would wait for every client to disconnect.
   */
  stopSignal?: 'TERM' | 'QUIT' | 'INT';
  /**
   * What the exit handler sends (default SIGKILL). With another signal it waits (bounded) for
   * the server to end, so a server that must clean up after itself (postgres' shared memory) can.
   */
  exitSignal?: NodeJS.Signals;
  /** Run the watchdog and the server as this user (e.g. `postgres`, which refuses to run as root). */
  user?: { uid: number; gid: number };
}

export interface TiedProcess {
  /** pid of the server itself (not of the watchdog). */
  readonly pid: number;
  /** Everything the server printed so far (stdout and stderr), for error messages. */
  output(): string;
  /** Resolves with the exit code (or signal) once the server and watchdog are gone. */
  readonly exited: Promise<number | string>;
  /** Stop it (stop signal, SIGKILL after `graceMs`) and wait until its dir is removed. */
  close(graceMs?: number): Promise<void>;
}

const EXIT_WAIT_MS = 5000;
const live = new Map<number, { dir: string; exitSignal: NodeJS.Signals }>();
let exitHookInstalled = false;

/** Synchronous, bounded wait (the exit handler cannot await); SIGKILL if it is still there. */
function waitGoneSync(pid: number): void {
  const tick = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + EXIT_WAIT_MS;
  while (alive(pid) && Date.now() < deadline) Atomics.wait(tick, 0, 0, 10);
  if (alive(pid)) kill(pid, 'SIGKILL');
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [pid, { exitSignal }] of live) kill(pid, exitSignal);
    for (const [pid, { dir, exitSignal }] of live) {
      if (exitSignal !== 'SIGKILL') waitGoneSync(pid);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

export async function startTied(command: string, args: readonly string[], dir: string, opts: TiedOptions = {}): Promise<TiedProcess> {
  installExitHook();
  const child: ChildProcess = spawn('sh', ['-c', WATCHDOG, 'watchdog', dir, opts.stopSignal ?? 'TERM', command, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {}),
  });
  let out = '';
  let pid = 0;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(pid);
      child.stdin?.destroy();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  // Without this a failed spawn (no sh) would be an unhandled 'error' event.
  child.once('error', (e) => {
    out += String(e);
  });
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  pid = await new Promise<number>((resolve, reject) => {
    let firstLine = '';
    const onData = (d: Buffer) => {
      if (pid !== 0) {
        out += d.toString();
        return;
      }
      firstLine += d.toString();
      const nl = firstLine.indexOf('\n');
      if (nl < 0) return;
      out += firstLine.slice(nl + 1);
      resolve(Number(firstLine.slice(0, nl)));
    };
    child.stdout!.on('data', onData);
    void exited.then(() => reject(new Error(`${command} did not start: ${out.trim() || 'no output'}`)));
  });
  live.set(pid, { dir, exitSignal: opts.exitSignal ?? 'SIGKILL' });

  let closing: Promise<void> | undefined;
  return {
    pid,
    output: () => out,
    exited,
    close(graceMs = 5000) {
      closing ??= (async () => {
        child.stdin?.end();
        const timer = setTimeout(() => kill(pid, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
        rmSync(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
