import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DriverConfig, DriverMessage, ParentMessage, WindowStats } from './messages.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** The parent's handle on a driver process. */
export interface DriverProcess {
  readonly pid: number;
  /** Run one window; resolves with its stats. */
  window(durationMs: number, record: boolean): Promise<WindowStats>;
  /** Close connections, wait for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL (for a parent that is itself being torn down); resolves when it is gone. */
  kill(): Promise<void>;
  readonly exited: Promise<number | null>;
}

/**
 * Fork harness/driver/main.ts, send `start`, resolve when it is `ready` (rejects with the driver's
 * error message, e.g. a refused handshake). The child never outlives a `stop` or a `kill`.
 */
export function forkDriver(config: DriverConfig, opts: { startTimeoutMs?: number } = {}): Promise<DriverProcess> {
  const child: ChildProcess = fork(MAIN, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listeners = new Set<(m: DriverMessage) => void>();
  let lastError: string | undefined;
  child.on('message', (m: DriverMessage) => {
    if (m.type === 'error') lastError = m.message;
    for (const l of [...listeners]) l(m);
  });
  const post = (m: ParentMessage): void => {
    if (child.connected) child.send(m);
  };
  /** The next message accepted by `want`; rejects on an error message or on exit. */
  const next = <T extends DriverMessage>(want: (m: DriverMessage) => m is T, what: string, timeoutMs?: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const done = (): void => {
        listeners.delete(on);
        if (timer !== undefined) clearTimeout(timer);
      };
      const on = (m: DriverMessage): void => {
        if (want(m)) {
          done();
          resolve(m);
        } else if (m.type === 'error') {
          done();
          reject(new Error(m.message));
        }
      };
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => (done(), reject(new Error(`driver: no ${what} within ${timeoutMs} ms`))), timeoutMs);
      listeners.add(on);
      void exited.then((code) => {
        done();
        reject(new Error(lastError ?? `driver exited (code ${code}) while waiting for ${what}`));
      });
    });
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  let windowId = 0;
  const handle: DriverProcess = {
    pid: child.pid ?? -1,
    exited,
    async window(durationMs, record) {
      const id = ++windowId;
      const done = next((m): m is Extract<DriverMessage, { type: 'window-done' }> => m.type === 'window-done' && m.id === id, `window ${id} result`);
      post({ type: 'window', id, durationMs, record });
      return (await done).stats;
    },
    async stop() {
      const stopped = next((m): m is Extract<DriverMessage, { type: 'stopped' }> => m.type === 'stopped', 'stopped', 10_000).catch(() => undefined);
      post({ type: 'stop' });
      await stopped;
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
    kill,
  };
  const ready = next((m): m is Extract<DriverMessage, { type: 'ready' }> => m.type === 'ready', 'ready', opts.startTimeoutMs ?? 60_000);
  post({ type: 'start', config });
  return ready.then(
    () => handle,
    async (e: unknown) => {
      await kill();
      throw e;
    },
  );
}
