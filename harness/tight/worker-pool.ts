import { fileURLToPath } from 'node:url';
import { forkChild, type Forked } from '../../common/child-process/fork.ts';
import type { BackendName } from '../../daemon/metrics/types.ts';
import type { FromWorker, TaskOutcome, TaskSpec, ToWorker } from './messages.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const STOP_GRACE_MS = 3000;

/**
 * The worker process of one round (worker.ts): started fresh for each round, so every round's
 * JIT and heap start from nothing; tasks go one at a time (the parent never times two at once).
 */
export class RoundWorker {
  private nextId = 1;

  private constructor(private readonly worker: Forked<ToWorker, FromWorker>) {}

  static async start(round: number): Promise<RoundWorker> {
    const worker = forkChild<ToWorker, FromWorker>(WORKER, {
      name: `tight round ${round + 1} worker`,
      // gc for the scavenge before each pair; a new space that holds a pair's garbage (task.ts)
      nodeArgs: ['--expose-gc', '--min-semi-space-size=16'],
      // a worker's stdout goes to our stderr, never to our stdout (--json prints the result alone)
      stdio: ['ignore', 2, 'inherit'],
      goodbye: { type: 'stop' },
    });
    try {
      await worker.next((m) => m.type === 'ready', 60_000, 'ready message');
    } catch (err) {
      await worker.stop(STOP_GRACE_MS);
      throw err;
    }
    return new RoundWorker(worker);
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
