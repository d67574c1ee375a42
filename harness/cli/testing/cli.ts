import { spawn } from 'node:child_process';
import { alive, processTree, readCmdline } from '../../../common/proc.ts';
import { REPO_ROOT } from '../../../common/tsx.ts';

/**
 * Test support: runs the real `overbench` CLI (bin/overbench.mjs) in a child process, as a user
 * would, and resolves with how it ended and its output. GITHUB_STEP_SUMMARY is blanked so test runs
 * never write to a CI job's summary. A run past `timeoutMs` is killed and rejects.
 */
const BIN = `${REPO_ROOT}/bin/overbench.mjs`;

export interface Ran {
  /** The exit code; -1 when a signal ended it (then `signal` says which). */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `env`: added to this process's, which the targets it starts inherit. */
export function overbench(args: string[], opts: { cwd?: string; timeoutMs?: number; env?: Record<string, string>; onSpawn?: (pid: number) => void } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: { ...process.env, GITHUB_STEP_SUMMARY: '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`overbench ${args.join(' ')} did not finish; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // 'exit', not 'close': a leaked grandchild holding the pipes must not hang the test; the
      // pipes get a moment to deliver their last bytes.
      setTimeout(() => resolve({ code: code ?? -1, signal, stdout, stderr }), 50);
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  });
}

/** A process's command line, '' once it is gone. */
function cmdline(pid: number): string {
  return readCmdline(pid)?.join(' ') ?? '';
}

/**
 * Run overbench, wait until its process tree satisfies `ready` (by command lines), wait `delayMs`
 * more, send it `signal`, and resolve with how it ended, what was running below it at that moment
 * (command lines) and which of those are still alive (`pid: command line`).
 */
export async function interruptWhen(
  args: string[],
  o: { ready: (cmds: string[]) => boolean; delayMs: number; timeoutMs: number; signal?: NodeJS.Signals },
): Promise<{ ran: Ran; seen: string[]; left: string[] }> {
  let seen: { pid: number; cmd: string }[] = [];
  const ran = await overbench(args, {
    timeoutMs: o.timeoutMs,
    onSpawn: (pid) => {
      const poll = setInterval(() => {
        if (!o.ready(processTree(pid).map(cmdline))) return;
        clearInterval(poll);
        setTimeout(() => {
          seen = processTree(pid).filter((p) => p !== pid).map((p) => ({ pid: p, cmd: cmdline(p) }));
          process.kill(pid, o.signal ?? 'SIGINT');
        }, o.delayMs);
      }, 100);
      setTimeout(() => clearInterval(poll), o.timeoutMs).unref();
    },
  });
  const left = seen.filter((p) => alive(p.pid)).map((p) => `${p.pid}: ${p.cmd}`);
  return { ran, seen: seen.map((p) => p.cmd), left };
}

/** How many command lines contain `what`. */
export const count = (cmds: string[], what: string): number => cmds.filter((c) => c.includes(what)).length;
