import { performance } from 'node:perf_hooks';
import type { LatencyModel } from '../../common/latency.ts';
import type { BusyClient } from './client.ts';
import type { Pending } from './driver-connection.ts';
import type { SharedState } from './shared-state.ts';
import type { CompiledMix } from './mix.ts';
import type { LoadModel } from './model.ts';

/**
 * Closed model (k6: constant-vus): each client sends one request, waits for its terminal frame,
 * thinks for a time drawn from the think-time model, and repeats. Latency is timed from the actual
 * send: the model itself waits out a slow reply, which is why it under-reports stalls
 * (coordinated omission); the open model is the one that shows them.
 */
export class ClosedModel implements LoadModel {
  private active = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly shared: SharedState,
    private readonly clients: readonly BusyClient[],
    private readonly mix: CompiledMix,
    private readonly think: LatencyModel | undefined,
    private readonly churnEvery: number | undefined,
  ) {}

  isActive = (): boolean => this.active;

  /** Wire a client to this model (its connection's callbacks). */
  attach(c: BusyClient): void {
    c.conn.onSettled = () => this.afterReply(c);
  }

  /** A client whose connection came (back) up. */
  onReady = (c: BusyClient): void => this.issue(c);

  /** Every ready client sends its first request; one that is down reconnects (onReady starts it). */
  begin(_endAt: number): void {
    this.active = true;
    for (const c of this.clients) {
      if (c.conn.state === 'ready') this.issue(c);
      else c.ensureConnected();
    }
  }

  stopIssuing(): void {
    this.active = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private issue(c: BusyClient): void {
    if (!this.active || c.conn.state !== 'ready' || c.conn.inflight.size > 0) return;
    const e = this.mix.pick(c.rng);
    const id = ++this.shared.lastRequestId;
    const frame = e.build(id);
    const p: Pending = { id, tool: e.tool, start: performance.now() };
    c.sinceConnect++;
    c.conn.issue(p, frame);
  }

  private afterReply(c: BusyClient): void {
    // Inactive, or the connection was lost (the client reconnects and onReady resumes it).
    if (!this.active || c.conn.state !== 'ready') return;
    if (this.churnEvery !== undefined && c.sinceConnect >= this.churnEvery) {
      c.churn(); // onReady issues the next request once the session is resumed
      return;
    }
    const us = this.think === undefined ? 0 : this.think.sampleUs(c.rng);
    if (us <= 0) {
      this.issue(c);
    } else if (us < 1000) {
      // Timers have 1 ms resolution: a sub-millisecond think time is one turn of the event loop.
      setImmediate(() => this.issue(c));
    } else {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.issue(c);
      }, us / 1000);
      this.timers.add(t);
    }
  }
}
