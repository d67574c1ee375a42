/**
 * A scenario's `dashboardViewers`: N WebSocket viewers on a reference daemon's dashboard feed
 * (`/ws`) for as long as the target is up, so the cost of watching (the periodic sample and its
 * frames) lands in the measured windows like any other load. They only read; they live in the
 * harness process, whose CPU is not the daemon's.
 */
import WebSocket from 'ws';
import { UsageError } from '../../common/exit-codes.ts';
import type { RunningTarget } from '../targets/types.ts';

/** The env a reference daemon needs to serve its dashboard for viewers (a free port, never 8080). */
export function dashboardEnv(env: Record<string, string>, viewers: number): Record<string, string> {
  if (viewers <= 0) return env;
  return { ...env, EXAI_DASHBOARD_PORT: env.EXAI_DASHBOARD_PORT && env.EXAI_DASHBOARD_PORT !== 'off' ? env.EXAI_DASHBOARD_PORT : '0' };
}

export interface Viewers {
  readonly count: number;
  /** Frames received by all viewers so far (a viewer that gets none is watching nothing). */
  readonly frames: number;
  close(): void;
}

export async function openViewers(dashboardUrl: string, n: number, timeoutMs = 10_000, token?: string): Promise<Viewers> {
  const sockets: WebSocket[] = [];
  let frames = 0;
  const url = `${dashboardUrl.replace(/^http/, 'ws')}/ws`;
  const headers = token ? { authorization: `Bearer ${token}` } : undefined;
  try {
    await Promise.all(
      Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(url, { headers });
        sockets.push(ws);
        const t = setTimeout(() => reject(new Error(`no answer from ${url} in ${timeoutMs} ms`)), timeoutMs);
        ws.on('message', () => frames++);
        ws.once('open', () => {
          clearTimeout(t);
          resolve();
        });
        ws.once('error', (err) => {
          clearTimeout(t);
          reject(err);
        });
      })),
    );
  } catch (err) {
    for (const ws of sockets) ws.terminate();
    throw err;
  }
  for (const ws of sockets) ws.on('error', () => {});
  return {
    count: n,
    get frames() {
      return frames;
    },
    close() {
      for (const ws of sockets) ws.terminate();
    },
  };
}

/** The target with `n` viewers attached; stopping it closes them first. */
export async function withViewers(label: string, target: RunningTarget, n: number, token?: string): Promise<RunningTarget> {
  if (n <= 0) return target;
  if (!target.dashboardUrl) {
    await target.stop();
    throw new UsageError(`${label}: dashboardViewers needs the reference daemon's dashboard (this target has none; is EXAI_DASHBOARD_PORT=off, or is it not the reference daemon?)`);
  }
  let viewers: Viewers;
  try {
    viewers = await openViewers(target.dashboardUrl, n, 10_000, token);
  } catch (err) {
    await target.stop();
    throw new UsageError(`${label}: dashboard viewers could not connect to ${target.dashboardUrl}/ws: ${(err as Error).message}`);
  }
  return {
    ...target,
    stop: async () => {
      viewers.close();
      await target.stop();
    },
  };
}
