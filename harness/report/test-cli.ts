import { execFile } from 'node:child_process';

/**
 * Test support: runs the real `overbench` CLI in a child process; resolves with its exit code and
 * output. GITHUB_STEP_SUMMARY is blanked so test runs never write to a CI job's summary.
 */
const BIN = new URL('../../bin/overbench.mjs', import.meta.url).pathname;

export function overbench(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: opts.cwd, timeout: opts.timeoutMs ?? 60_000, env: { ...process.env, GITHUB_STEP_SUMMARY: '' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
