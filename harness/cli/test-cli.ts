import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../targets/paths.ts';

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

export function overbench(args: string[], opts: { cwd?: string; timeoutMs?: number; onSpawn?: (pid: number) => void } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
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
