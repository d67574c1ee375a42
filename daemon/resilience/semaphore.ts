/**
 * Counting semaphore with a FIFO wait queue: callers wait rather than being refused
 * (EXAI-PROTOCOL.md, "Concurrency"), and a waiter whose call is cancelled leaves the queue.
 */
export class Semaphore {
  private inUse = 0;
  private readonly waiters: Array<{ grant: () => void; fail: (e: unknown) => void }> = [];

  constructor(readonly capacity: number) {}

  get active(): number {
    return this.inUse;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.inUse < this.capacity) {
      this.inUse++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        fail: reject,
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    // Hand the permit straight to the next waiter: inUse stays the same.
    if (next) next.grant();
    else this.inUse--;
  }
}
