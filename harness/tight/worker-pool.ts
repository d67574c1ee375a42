import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tsxExecArgv } from '../../common/tsx.ts';
import type { BackendName } from '../../daemon/metrics/types.ts';
import type { FromWorker, SliceTiming, TaskOutcome, TaskSpec, ToWorker } from './messages.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const STOP_GRACE_MS = 3000;

/** One forked worker per backend; requests go one at a time (the parent never times two at once). */
export class WorkerPool {
  private readonly workers = new Map<BackendName, ChildProcess>();
  private readonly pending = new Map<number, { resolve(data: unknown): void; reject(e: Error): void }>();
  private nextId = 1;

  static async start(backends: readonly BackendName[]): Promise<WorkerPool> {
    const pool = new WorkerPool();
    try {
      await Promise.all(backends.map((b) => pool.spawn(b)));
    } catch (err) {
      await pool.stop();
      throw err;
    }
    return pool;
  }

  private spawn(backend: BackendName): Promise<void> {
    const child = fork(WORKER, [], {
      // tsx by absolute URL: a bare `--import tsx` resolves from the cwd, the user's project
      execArgv: tsxExecArgv('--expose-gc'),
      // a worker's stdout must never reach ours (--json prints the result alone)
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.stdout?.on('data', (d: Buffer) => process.stderr.write(d));
    this.workers.set(backend, child);
    child.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.type === 'reply') p.resolve(msg.data);
      else p.reject(new Error(`${backend} worker: ${msg.message}`));
    });
    child.on('exit', (code, signal) => {
      this.workers.delete(backend);
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(new Error(`${backend} worker exited (${signal ?? code}) during a task`));
      }
    });
    return new Promise((resolve, reject) => {
      const onReady = (msg: FromWorker) => {
        if (msg.type !== 'ready') return;
        child.off('message', onReady);
        child.off('exit', onExit);
        resolve();
      };
      const onExit = (code: number | null) => reject(new Error(`${backend} worker exited (${code}) before it was ready`));
      child.on('message', onReady);
      child.once('exit', onExit);
      child.send({ type: 'init', backend } satisfies ToWorker);
    });
  }

  /** Fresh subject in that backend's worker, batch calibrated; resolves to the batch size. */
  open(backend: BackendName, spec: TaskSpec): Promise<{ batch: number }> {
    return this.request(backend, (id) => ({ type: 'open', id, spec }));
  }

  slice(backend: BackendName, first: boolean): Promise<SliceTiming> {
    return this.request(backend, (id) => ({ type: 'slice', id, first }));
  }

  close(backend: BackendName): Promise<TaskOutcome> {
    return this.request(backend, (id) => ({ type: 'close', id }));
  }

  private request<T>(backend: BackendName, msg: (id: number) => ToWorker): Promise<T> {
    const child = this.workers.get(backend);
    if (!child) return Promise.reject(new Error(`no live worker for backend ${backend}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (d: unknown) => void, reject });
      child.send(msg(id));
    });
  }

  /** Ask every worker to stop; kill any that has not exited after a grace period. */
  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (child.connected) child.send({ type: 'stop' } satisfies ToWorker);
      else child.kill('SIGTERM');
    })));
  }
}
