/**
 * Spawn the daemon as its own process (`node --import tsx daemon/main.ts`) and wait for its ready
 * line. Used by the end-to-end tests and by bench:daemon.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { tsxExecArgv } from '../../common/tsx.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ReadyLine {
  event: 'ready';
  pid: number;
  host: string;
  wsPort: number;
  monitoringPort: number;
  backend: string;
}

export interface SpawnedDaemon {
  readonly child: ChildProcess;
  readonly ready: ReadyLine;
  readonly url: string;
  readonly monitoringUrl: string;
  stderr(): string;
  /** SIGTERM and wait for the exit code (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

/** The daemon's world variables: a test daemon meets only the world its test gives it. */
const WORLD_VARS = ['REDIS_URL', 'SUPABASE_URL', 'SUPABASE_KEY', 'GLM_API_URL', 'KIMI_API_URL'];

export function spawnDaemonProcess(env: Record<string, string>): ChildProcess {
  const inherited = { ...process.env };
  for (const name of WORLD_VARS) delete inherited[name];
  return spawn(process.execPath, tsxExecArgv('daemon/main.ts'), {
    cwd: REPO_ROOT,
    env: { ...inherited, EXAI_WS_PORT: '0', EXAI_MONITORING_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function waitExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once('exit', (code) => r(code)));
}

export async function spawnDaemon(env: Record<string, string>, timeoutMs = 30_000): Promise<SpawnedDaemon> {
  const child = spawnDaemonProcess(env);
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const ready = await new Promise<ReadyLine>((resolveReady, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`daemon not ready in ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        try {
          resolveReady(JSON.parse(out.slice(0, nl)) as ReadyLine);
        } catch {
          reject(new Error(`daemon printed a non-JSON first line: ${out.slice(0, nl)}`));
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code} before ready; stderr: ${err}`));
    });
  });
  return {
    child,
    ready,
    url: `ws://127.0.0.1:${ready.wsPort}`,
    monitoringUrl: `http://127.0.0.1:${ready.monitoringPort}`,
    stderr: () => err,
    async stop(graceMs = 10_000) {
      const exited = waitExit(child);
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}
