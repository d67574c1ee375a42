/**
 * Start a server binary so that it cannot outlive us. The binary runs under a small `sh`
 * watchdog that holds our end of a pipe on its stdin: when we close it (close()), exit, crash
 * or are killed with SIGKILL, the pipe reaches EOF and the watchdog stops the server and
 * removes its scratch directory. On a normal exit an 'exit' handler also kills the server
 * synchronously, so nothing is left even for an instant after `process.exit()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

// $1 = dir to remove afterwards, the rest = the command. Background jobs of a non-interactive
// shell get /dev/null as stdin, so the watcher reads a duplicate (fd 3) of the real one.
const WATCHDOG = `
dir=$1; shift
exec 3<&0
"$@" </dev/null &
pid=$!
echo "$pid"
{ read -r _ <&3; kill -TERM "$pid" 2>/dev/null; } &
wait "$pid"; status=$?
rm -rf "$dir"
exit $status
`;

export interface TiedProcess {
  /** pid of the server itself (not of the watchdog). */
  readonly pid: number;
  /** Everything the server printed so far (stdout and stderr), for error messages. */
  output(): string;
  /** Resolves with the exit code (or signal) once the server and watchdog are gone. */
  readonly exited: Promise<number | string>;
  /** Stop it (SIGTERM, SIGKILL after `graceMs`) and wait until its dir is removed. */
  close(graceMs?: number): Promise<void>;
}

const live = new Map<number, { dir: string }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [pid, { dir }] of live) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

export async function startTied(command: string, args: readonly string[], dir: string): Promise<TiedProcess> {
  installExitHook();
  const child: ChildProcess = spawn('sh', ['-c', WATCHDOG, 'watchdog', dir, command, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
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
  live.set(pid, { dir });

  let closing: Promise<void> | undefined;
  return {
    pid,
    output: () => out,
    exited,
    close(graceMs = 5000) {
      closing ??= (async () => {
        child.stdin?.end();
        const timer = setTimeout(() => {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone meanwhile
          }
        }, graceMs);
        await exited;
        clearTimeout(timer);
        rmSync(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
