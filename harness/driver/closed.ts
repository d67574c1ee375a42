import { performance } from 'node:perf_hooks';
import { createRng, type LatencyModel, type Rng } from '../../common/latency.ts';
import type { BusyClient } from './client.ts';
import type { Pending } from './driver-connection.ts';
import type { SharedState } from './shared-state.ts';
import type { CompiledEntry, CompiledMix } from './mix.ts';
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
  /** Windows begun so far (warm-ups too): both variants' drivers get the same sequence of them. */
  private windows = 0;
  /** Each client's plan for the current window (by client index). */
  private plans: ClientPlan[] = [];

  constructor(
    private readonly shared: SharedState,
    private readonly clients: readonly BusyClient[],
    private readonly mix: CompiledMix,
    private readonly think: LatencyModel | undefined,
    private readonly churnEvery: number | undefined,
    private readonly seed: number,
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
    const window = ++this.windows;
    this.plans = this.clients.map((c) => clientPlan(this.mix, this.seed, window, c.index));
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
    const plan = this.plans[c.index];
    const e = plan.next();
    const turn = plan.turn++;
    const id = plan.firstId + turn;
    if (id > this.shared.lastRequestId) this.shared.lastRequestId = id;
    const frame = e.build(id);
    const p: Pending = { id, tool: e.tool, start: performance.now(), client: c.index, turn };
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
    const us = this.think === undefined ? 0 : this.think.sampleUs(this.plans[c.index].rng);
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

/**
 * Request ids are blocks of 2^20 turns per (window, client), with 2^14 clients and windows counted
 * modulo 2^15: ids stay below 2^49 < 10^15, as EXAI text ids must (protocol/template.ts).
 */
const TURN_SLOTS = 2 ** 20;
const CLIENT_SLOTS = 2 ** 14;
const WINDOW_SLOTS = 2 ** 15;

/**
 * One client's requests in one window: its mix sequence and think times from a stream seeded by
 * (seed, window, client), and ids by window, client and turn. So client i's k-th request of window w
 * is the same frame in both variants' drivers (its prompt carries the id), whatever their timing:
 * a world keyed on content (fakes/provider/chat.ts) answers the two alike, and one request more
 * or less at a window's end does not shift every later request of that client.
 */
interface ClientPlan {
  rng: Rng;
  next: () => CompiledEntry;
  firstId: number;
  turn: number;
}

function clientPlan(mix: CompiledMix, seed: number, window: number, client: number): ClientPlan {
  const rng = createRng((seed ^ Math.imul(window, 0x85ebca6b) ^ Math.imul(client + 1, 0x9e3779b1)) >>> 0);
  const firstId = ((((window - 1) % WINDOW_SLOTS) * CLIENT_SLOTS + (client % CLIENT_SLOTS)) * TURN_SLOTS) + 1;
  return { rng, next: mix.sequence(rng), firstId, turn: 0 };
}
