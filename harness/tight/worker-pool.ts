import { fileURLToPath } from 'node:url';
import { forkChild, type Forked } from '../../common/child-process/fork.ts';
import type { BackendName } from '../../daemon/metrics/types.ts';
import { pinTrees } from '../targets/pin.ts';
import type { FromWorker, TaskOutcome, TaskSpec, ToWorker } from './messages.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const STOP_GRACE_MS = 3000;

/**
 * The worker process of one round (worker.ts): started fresh for each round, so every round's
 * JIT and heap start from nothing; tasks go one at a time (the parent never times two at once).
 */
export class RoundWorker {
  private nextId = 1;

  private constructor(
    private readonly worker: Forked<ToWorker, FromWorker>,
    /** The core every thread of the worker is pinned to; null when it could not be pinned. */
    readonly cpu: number | null,
  ) {}

  /**
   * `cpu`: pin the worker (all its threads, taskset) to that core once it is up. Each vCPU's speed
   * drifts on its own (+-20-50% over 0.25-4 s on the 2-core machine); unpinned, the two batches of
   * a pair could run on different cores and carry that difference into the ratio.
   */
  static async start(round: number, cpu?: number): Promise<RoundWorker> {
    const worker = forkChild<ToWorker, FromWorker>(WORKER, {
      name: `tight round ${round + 1} worker`,
      // gc for the scavenge before the timed pairs; a new space that fills seldom (task.ts)
      nodeArgs: ['--expose-gc', '--min-semi-space-size=16'],
      // a worker's stdout goes to our stderr, never to our stdout (--json prints the result alone)
      stdio: ['ignore', 2, 'inherit'],
      goodbye: { type: 'stop' },
    });
    try {
      await worker.next((m) => m.type === 'ready', 60_000, 'ready message');
      const pinned = cpu !== undefined && (await pinTrees([worker.pid], [cpu]));
      return new RoundWorker(worker, pinned ? cpu : null);
    } catch (err) {
      await worker.stop(STOP_GRACE_MS);
      throw err;
    }
  }

  async task(backend: BackendName, spec: TaskSpec, cpuProfileDir?: string): Promise<TaskOutcome> {
    const id = this.nextId++;
    const reply = await this.worker.request({ type: 'task', id, backend, spec, ...(cpuProfileDir && { cpuProfileDir }) }, (m) => m.type !== 'ready' && m.id === id);
    if (reply.type === 'failed') throw new Error(`${backend} task: ${reply.message}`);
    if (reply.type !== 'reply') throw new Error(`${backend} task: unexpected ${reply.type}`);
    return reply.data;
  }

  /** Ask the worker to stop; kill it if it has not exited after a grace period. */
  stop(): Promise<void> {
    return this.worker.stop(STOP_GRACE_MS);
  }
}
