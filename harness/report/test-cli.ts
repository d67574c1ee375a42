import { execFile } from 'node:child_process';

/** Test support: runs the real `overbench` CLI in a child process; resolves with its exit code and output. */
const BIN = new URL('../../bin/overbench.mjs', import.meta.url).pathname;

export function overbench(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: opts.cwd, timeout: opts.timeoutMs ?? 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
