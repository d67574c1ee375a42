/**
 * Spawn the daemon as its own process (`node --import tsx daemon/main.ts`) and wait for its ready
 * line. Used by the end-to-end tests and by bench:daemon.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Child } from '../../common/child-process/child.ts';
import { readyLine } from '../../common/child-process/ready-line.ts';
import { REPO_ROOT, tsxArgs } from '../../common/tsx.ts';

export interface ReadyLine {
  event: 'ready';
  pid: number;
  host: string;
  wsPort: number;
  monitoringPort: number;
  /** null when EXAI_DASHBOARD_PORT=off. */
  dashboardPort?: number | null;
  backend: string;
}

export interface SpawnedDaemon {
  readonly child: ChildProcess;
  readonly ready: ReadyLine;
  readonly url: string;
  readonly monitoringUrl: string;
  /** SIGTERM and wait for the exit code (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

/** The daemon's world variables: a test daemon meets only the world its test gives it. */
const WORLD_VARS = ['REDIS_URL', 'SUPABASE_URL', 'SUPABASE_KEY', 'GLM_API_URL', 'KIMI_API_URL'];

export function spawnDaemonProcess(env: Record<string, string>): ChildProcess {
  const inherited = { ...process.env };
  for (const name of WORLD_VARS) delete inherited[name];
  return spawn(process.execPath, tsxArgs('daemon/main.ts'), {
    cwd: REPO_ROOT,
    env: { ...inherited, EXAI_WS_PORT: '0', EXAI_MONITORING_PORT: '0', EXAI_DASHBOARD_PORT: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The exit code once the process is gone. */
export async function waitExit(child: ChildProcess): Promise<number | null> {
  return (await new Child(child, { name: 'daemon' }).exited).code;
}

export async function spawnDaemon(env: Record<string, string>, timeoutMs = 30_000): Promise<SpawnedDaemon> {
  const daemon = new Child(spawnDaemonProcess(env), { name: 'daemon' });
  const ready = await readyLine<ReadyLine>(daemon, (v) => v.event === 'ready', timeoutMs);
  return {
    child: daemon.process,
    ready,
    url: `ws://127.0.0.1:${ready.wsPort}`,
    monitoringUrl: `http://127.0.0.1:${ready.monitoringPort}`,
    async stop(graceMs = 10_000) {
      await daemon.stop(graceMs);
      return (await daemon.exited).code;
    },
  };
}
