/**
 * One direction of a proxied connection: chunks go out `delay` after they came in, delay drawn
 * per chunk from a latency model, and never out of order: a chunk is due at
 * max(arrival + delay, previous chunk's due time), so a short draw cannot overtake a long one.
 *
 * Timers have millisecond resolution: the whole milliseconds are waited with setTimeout and
 * the sub-millisecond rest with setImmediate turns, so a 0.2 ms model adds about 0.2 ms, not 1.
 */
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { LatencyModel, Rng } from '../../common/latency.ts';

// Past this many bytes in flight the source is paused, so a slow line cannot buffer without bound.
const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;

export class DelayLine {
  private readonly queue: Array<{ due: number; chunk: Buffer }> = [];
  private head = 0;
  private queuedBytes = 0;
  private lastDue = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private ending = false;
  private destBlocked = false;

  constructor(
    private readonly source: net.Socket,
    private readonly dest: net.Socket,
    private readonly model: LatencyModel | undefined,
    private readonly rng: Rng,
  ) {
    dest.on('drain', () => {
      this.destBlocked = false;
      this.updateFlow();
    });
  }

  push(chunk: Buffer): void {
    const now = performance.now();
    const delayMs = this.model ? this.model.sampleUs(this.rng) / 1000 : 0;
    const due = Math.max(now + delayMs, this.lastDue);
    this.lastDue = due;
    if (due <= now && this.head === this.queue.length) {
      this.write(chunk);
      return;
    }
    this.queue.push({ due, chunk });
    this.queuedBytes += chunk.length;
    this.updateFlow();
    this.schedule();
  }

  /** The source ended: end the destination once every queued chunk has gone out. */
  end(): void {
    if (this.ending) return;
    this.ending = true;
    if (this.head === this.queue.length) this.dest.end();
  }

  stop(): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
    this.timer = undefined;
    this.queue.length = 0;
    this.head = 0;
  }

  private write(chunk: Buffer): void {
    if (this.dest.destroyed) return;
    if (!this.dest.write(chunk)) {
      this.destBlocked = true;
      this.updateFlow();
    }
  }

  private updateFlow(): void {
    const pause = this.destBlocked || this.queuedBytes > HIGH_WATER;
    if (pause && !this.source.isPaused()) this.source.pause();
    else if (!pause && this.queuedBytes <= LOW_WATER && this.source.isPaused()) this.source.resume();
  }

  private schedule(): void {
    if (this.timer || this.head === this.queue.length) return;
    const wait = this.queue[this.head].due - performance.now();
    this.timer = wait >= 1 ? setTimeout(this.tick, Math.floor(wait)) : setImmediate(this.tick);
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    const now = performance.now();
    while (this.head < this.queue.length && this.queue[this.head].due <= now) {
      const { chunk } = this.queue[this.head++];
      this.queuedBytes -= chunk.length;
      this.write(chunk);
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      if (this.ending) this.dest.end();
    } else if (this.head > 1024) {
      // Drop the consumed prefix now and then so the array does not grow forever.
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.updateFlow();
    this.schedule();
  };
}
