import { fileURLToPath } from 'node:url';
import { forkChild, type Forked } from '../../common/child-process/fork.ts';
import type { BackendName } from '../../daemon/metrics/types.ts';
import type { FromWorker, SliceTiming, TaskOutcome, TaskSpec, ToWorker } from './messages.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const STOP_GRACE_MS = 3000;

type Worker = Forked<ToWorker, FromWorker>;

/** One forked worker per backend; requests go one at a time (the parent never times two at once). */
export class WorkerPool {
  private readonly workers = new Map<BackendName, Worker>();
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

  private async spawn(backend: BackendName): Promise<void> {
    const worker: Worker = forkChild(WORKER, {
      name: `${backend} worker`,
      nodeArgs: ['--expose-gc'],
      // a worker's stdout goes to our stderr, never to our stdout (--json prints the result alone)
      stdio: ['ignore', 2, 'inherit'],
      goodbye: { type: 'stop' },
    });
    this.workers.set(backend, worker);
    void worker.exited.then(() => this.workers.delete(backend));
    await worker.request({ type: 'init', backend }, (m) => m.type === 'ready');
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

  private async request<T>(backend: BackendName, msg: (id: number) => ToWorker): Promise<T> {
    const worker = this.workers.get(backend);
    if (!worker) throw new Error(`no live worker for backend ${backend}`);
    const id = this.nextId++;
    const reply = await worker.request(msg(id), (m) => m.type !== 'ready' && m.id === id);
    if (reply.type === 'failed') throw new Error(`${backend} worker: ${reply.message}`);
    if (reply.type !== 'reply') throw new Error(`${backend} worker: unexpected ${reply.type}`);
    return reply.data as T;
  }

  /** Ask every worker to stop; kill any that has not exited after a grace period. */
  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.stop(STOP_GRACE_MS)));
  }
}
