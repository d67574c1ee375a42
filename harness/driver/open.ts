import { performance } from 'node:perf_hooks';
import type { Rng } from '../../common/latency.ts';
import { interArrival } from './arrivals.ts';
import type { BusyClient } from './client.ts';
import type { Pending } from './driver-connection.ts';
import type { SharedState } from './shared-state.ts';
import type { CompiledEntry, CompiledMix } from './mix.ts';
import type { LoadModel } from './model.ts';

/**
 * How far ahead of its intended time an arrival may be sent. Timers fire on whole milliseconds,
 * so the scheduler wakes about 1 ms before the next arrival and sends every arrival due within
 * that millisecond in one batch, rather than spinning the event loop (which would burn the CPU
 * the target needs) or sending up to a millisecond late.
 */
const LOOKAHEAD_MS = 1;

export interface OpenOptions {
  ratePerSec: number;
  arrival: 'poisson' | 'uniform';
  maxInFlight: number;
  churnEvery: number | undefined;
}

/**
 * Open model (k6: constant-arrival-rate): arrivals follow a schedule whatever the target does.
 * Latency is timed from the INTENDED time of an arrival (or its actual send, if that was earlier),
 * so a stall shows in full in every request that should have been sent during it: coordinated
 * omission cannot hide it. An arrival that finds maxInFlight requests outstanding is counted as
 * dropped (k6: dropped_iterations); one that finds no connection ready fails as `closed`.
 * Requests go to the clients round-robin.
 */
export class OpenModel implements LoadModel {
  private active = false;
  private inFlight = 0;
  private next = 0;
  private endAt = 0;
  private rr = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly gap: () => number;
  private readonly nextEntry: () => CompiledEntry;

  constructor(
    private readonly shared: SharedState,
    private readonly clients: readonly BusyClient[],
    mix: CompiledMix,
    private readonly rng: Rng,
    private readonly opts: OpenOptions,
  ) {
    this.nextEntry = mix.sequence(rng);
    this.gap = interArrival(opts.arrival, opts.ratePerSec, rng);
  }

  isActive = (): boolean => this.active;

  attach(c: BusyClient): void {
    c.conn.onSettled = (conn) => {
      this.inFlight--;
      if (c.draining && conn.inflight.size === 0 && conn.state === 'ready') c.churn();
    };
  }

  /** Nothing to do: an idle connection that comes back simply rejoins the round-robin. */
  onReady = (_c: BusyClient): void => {};

  begin(endAt: number): void {
    this.active = true;
    this.endAt = endAt;
    for (const c of this.clients) c.ensureConnected();
    this.next = performance.now() + this.gap();
    this.tick();
  }

  stopIssuing(): void {
    // Arrivals due before the end that the timer had not reached yet (a busy event loop) are sent
    // now, late, and timed from their intended time: the schedule depends on the seed alone.
    if (this.active) {
      const now = performance.now();
      while (this.next < this.endAt && this.next <= now) {
        this.dispatch(this.next, now);
        this.next += this.gap();
      }
    }
    this.active = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    if (!this.active) return;
    const now = performance.now();
    while (this.next <= now + LOOKAHEAD_MS) {
      if (this.next >= this.endAt) {
        this.active = false; // the schedule is over; the driver drains
        return;
      }
      this.dispatch(this.next, now);
      this.next += this.gap();
    }
    this.timer = setTimeout(this.tick, this.next - LOOKAHEAD_MS - now);
  };

  private dispatch(intended: number, now: number): void {
    const e = this.nextEntry();
    if (this.inFlight >= this.opts.maxInFlight) {
      this.shared.rec.dropped++;
      return;
    }
    const c = this.nextClient();
    if (c === undefined) {
      this.shared.rec.fail(e.tool, 'closed');
      return;
    }
    const id = ++this.shared.lastRequestId;
    const frame = e.build(id);
    const p: Pending = { id, tool: e.tool, start: intended < now ? intended : now, client: c.index };
    this.inFlight++;
    c.conn.issue(p, frame);
    if (this.opts.churnEvery !== undefined && ++c.sinceConnect >= this.opts.churnEvery) c.draining = true;
  }

  /** Round-robin over ready clients; one waiting to churn takes arrivals only if no other can. */
  private nextClient(): BusyClient | undefined {
    const n = this.clients.length;
    let fallback: BusyClient | undefined;
    for (let i = 0; i < n; i++) {
      const c = this.clients[this.rr];
      this.rr = this.rr + 1 === n ? 0 : this.rr + 1;
      if (c.conn.state !== 'ready') continue;
      if (!c.draining) return c;
      fallback ??= c;
    }
    return fallback;
  }
}
