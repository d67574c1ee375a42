import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRng, parseLatency } from '../../common/latency.ts';
import { adapterFor, withErrorRules } from '../protocol/index.ts';
import { BusyClient } from './client.ts';
import { ClosedModel } from './closed.ts';
import { DriverConnection } from './driver-connection.ts';
import { createSharedState, type SharedState } from './shared-state.ts';
import type { DriverConfig, WindowProgress, WindowStats } from './messages.ts';
import { compileMix } from './mix.ts';
import { OpenModel } from './open.ts';
import { sessionIds } from './session-ids.ts';
import { WindowRecorder } from './recorder.ts';
import { validateDriverConfig } from './validate.ts';

/** Open model without maxInFlight: a stalled target must not grow memory without limit. */
export const DEFAULT_MAX_IN_FLIGHT = 10_000;
/** Idle connections are opened this many at a time (a thousand at once trips accept backlogs). */
const OPEN_BATCH = 100;
const DRAIN_POLL_MS = 2;

/**
 * The load generator: connects the clients, runs windows of load on demand, stops.
 * harness/driver/main.ts wraps it in a process driven over IPC; tests use it directly.
 */
export class Driver {
  /** The last window kept issuing: its load runs on, and the next window continues it. */
  private issuing = false;

  private constructor(
    private readonly config: DriverConfig,
    private readonly shared: SharedState,
    private readonly clients: BusyClient[],
    private readonly idle: DriverConnection[],
    private readonly model: ClosedModel | OpenModel,
  ) {}

  static async start(config: DriverConfig): Promise<Driver> {
    const problems = validateDriverConfig(config);
    if (problems.length > 0) throw new Error(`driver config: ${problems.join('; ')}`);
    // In-band errors (the scenario's errorRules) are read where frames are classified.
    const adapter = withErrorRules(adapterFor(config.protocol), config.errorRules);
    // By default unique per driver process, so no two drivers (variants, runs) send the same "unique" request.
    const mix = compileMix(config.mix, adapter, config.salt ?? `${config.sessionPrefix}.${randomBytes(4).toString('hex')}`);
    const rec = new WindowRecorder(mix.toolNames);
    const shared = createSharedState({ url: config.url, token: config.token, adapter, rec, toolNames: mix.toolNames });
    const churnEvery = config.churn?.everyRequests;
    const load = config.load;
    const ids = sessionIds(config.sessionPrefix);
    const clients: BusyClient[] = [];
    const isActive = (): boolean => model.isActive();
    const onReady = (c: BusyClient): void => model.onReady(c);
    for (let i = 0; i < config.clients; i++) {
      clients.push(new BusyClient(shared, i, ids.busy(i), isActive, onReady));
    }
    const model =
      load.model === 'closed'
        ? new ClosedModel(shared, clients, mix, load.thinkTime !== undefined ? parseLatency(load.thinkTime) : undefined, churnEvery, config.seed)
        : new OpenModel(shared, clients, mix, createRng(config.seed >>> 0), {
            ratePerSec: load.ratePerSec,
            arrival: load.arrival ?? 'poisson',
            maxInFlight: load.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
            churnEvery,
          });
    for (const c of clients) {
      model.attach(c);
      if (churnEvery !== undefined) c.staggerChurn(clients.length, churnEvery);
    }
    const idle: DriverConnection[] = [];
    for (let i = 0; i < (config.idleClients ?? 0); i++) idle.push(new DriverConnection(shared, ids.idle(i)));
    const driver = new Driver(config, shared, clients, idle, model);
    try {
      await openAll(clients.map((c) => c.conn));
      await openAll(idle);
    } catch (e) {
      await driver.stop();
      throw e;
    }
    return driver;
  }

  /**
   * Run the load for `durationMs`, stop issuing, drain (bounded by requestTimeoutMs), report.
   * With `progress`, the window so far is reported every `everyMs` while issuing (the live view);
   * without, no timer runs for it.
   * With `keepIssuing` the window ends at `durationMs` without stopping the load or draining: it
   * counts what finished within it, requests still out finish (and count) in the next window, and
   * the next window continues the same load instead of starting it anew. Its counts have no quiet
   * edges: the calls out at either end belong to no window whole, so each finished call counts once
   * (not by its share of the span: a call out at the start would count only its part in this one,
   * having counted in none before), and each client's finish times say at which call they begin
   * (finishFirstTurn, finishPriorMs: matched work pairs the calls by turn). The harness holds such a
   * run of windows to the target's counters once, from one drained edge to the next (measured
   * windows of a continuous load: harness/run/scenario-run.ts). A window without it drains as usual.
   */
  async window(durationMs: number, record: boolean, progress?: { everyMs: number; report: (p: WindowProgress) => void }, keepIssuing = false): Promise<WindowStats> {
    const { rec } = this.shared;
    const timeoutMs = this.config.requestTimeoutMs;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const closed = this.config.load.model === 'closed';
    rec.reset(record, { start: t0, weighEdges: closed && !keepIssuing, ...(closed && { clients: this.clients.length }) });
    // A window of 0 ms on a stopped load starts none (a closed model would send every client's
    // next call at once): it only reports, e.g. the frames so far at a quiet edge.
    if (!this.issuing && (durationMs > 0 || keepIssuing)) this.model.begin(keepIssuing ? Number.POSITIVE_INFINITY : t0 + durationMs);
    this.issuing = keepIssuing;
    const sweep = setInterval(() => this.expire(performance.now(), timeoutMs), Math.max(10, Math.min(250, timeoutMs / 4)));
    const ticker = progress && setInterval(() => progress.report(rec.progress(performance.now() - t0)), progress.everyMs);
    await sleep(durationMs);
    clearInterval(ticker);
    if (!keepIssuing) this.model.stopIssuing();
    const issuedMs = performance.now() - t0;
    rec.endSpan(t0 + issuedMs);
    if (!keepIssuing) await this.drain(timeoutMs);
    clearInterval(sweep);
    const cpu = process.cpuUsage(cpu0);
    return rec.finish(issuedMs, { user: cpu.user, system: cpu.system });
  }

  /** Wait for the requests in flight (at most `timeoutMs`); whatever is still out then times out. */
  private async drain(timeoutMs: number): Promise<void> {
    for (const c of this.clients) c.cancelTimers();
    const deadline = performance.now() + timeoutMs;
    while (this.clients.some((c) => c.busy()) && performance.now() < deadline) await sleep(DRAIN_POLL_MS);
    this.expire(Number.POSITIVE_INFINITY, 0);
  }

  private expire(now: number, timeoutMs: number): void {
    for (const c of this.clients) c.conn.expire(now, timeoutMs);
  }

  /** Close every connection (busy and idle) and wait until they are gone. */
  async stop(): Promise<void> {
    this.issuing = false;
    this.model.stopIssuing();
    for (const c of this.clients) c.cancelTimers();
    await Promise.all([...this.clients.map((c) => c.conn.close()), ...this.idle.map((c) => c.close())]);
  }
}

/** Open connections in batches; the first failure rejects (the caller closes the rest). */
async function openAll(conns: readonly DriverConnection[]): Promise<void> {
  for (let i = 0; i < conns.length; i += OPEN_BATCH) {
    await Promise.all(conns.slice(i, i + OPEN_BATCH).map((c) => c.open()));
  }
}
