import { encodeHistogram, newHistogram, type Histogram } from './histogram.ts';
import type { WindowProgress, WindowStats } from './messages.ts';

/**
 * Everything one window counts. One recorder per driver, reset at each window start; the hot loop
 * increments plain fields. Latency goes into one histogram per tool only; the overall histogram is
 * their sum, made once at the end of the window (one recordValue per request, not two).
 * Only requests that ended without an error are recorded in histograms; `requests` counts all
 * that finished (successes, error replies, timeouts, closed connections).
 */
export class WindowRecorder {
  requests = 0;
  errors = 0;
  /** Successful requests, each by its share of the issuing span (`okInSpan` in WindowStats). */
  okInSpan = 0;
  dropped = 0;
  framesSent = 0;
  framesReceived = 0;
  /** Frames of every earlier window and of the gaps between windows: with this window's, the driver's whole life. */
  private framesSentBefore = 0;
  private framesReceivedBefore = 0;
  /** Latency is recorded only in measured windows (false during warm-up). */
  record = false;
  /** The issuing span (performance.now() ms): its end is open until the load stops. */
  private spanStart = 0;
  private spanEnd = Number.POSITIVE_INFINITY;
  /** Closed model: weigh each request by its share of the span; otherwise each counts 1. */
  private weighEdges = false;
  /**
   * Closed model, measured windows: each client's finish times (ms after the span's start), in
   * order, until its first failure (`finishesMs` in WindowStats); null when not kept.
   */
  private finishes: number[][] | null = null;
  /**
   * With `finishes`, by client: the turn (its place in the client's sequence of calls) of its first
   * kept finish, and when the call before that one ended (ms after the span's start; for turn 0, its
   * own send; null when the call before failed): under a load that runs on between windows, two
   * variants' windows begin at different calls of a client, and these say which and from when.
   */
  private firstTurn: number[] = [];
  private priorMs: (number | null)[] = [];
  /** By client, across windows: when its last call ended (performance.now() ms); NaN after a failure. */
  private readonly lastEndAt: number[] = [];
  /** By client: failed once in this window, so its later finishes are not kept. */
  private failedOnce: Uint8Array = new Uint8Array(0);
  errorsByKind: Record<string, number> = {};
  private readonly toolRequests: number[];
  private histograms: Histogram[];
  /** The tools' histograms summed for progress reports; made on the first one (live view only). */
  private progressSum: Histogram | undefined;

  constructor(private readonly toolNames: readonly string[]) {
    this.toolRequests = toolNames.map(() => 0);
    this.histograms = toolNames.map(() => newHistogram());
  }

  /** `span.clients`: keep that many clients' finish times (closed model; only when recording). */
  reset(record: boolean, span: { start: number; weighEdges: boolean; clients?: number } = { start: 0, weighEdges: false }): void {
    const keep = record && span.clients !== undefined && span.clients > 0;
    this.finishes = keep ? Array.from({ length: span.clients! }, () => []) : null;
    this.firstTurn = keep ? new Array<number>(span.clients!).fill(0) : [];
    this.priorMs = keep ? new Array<number | null>(span.clients!).fill(null) : [];
    if (keep && this.failedOnce.length !== span.clients) this.failedOnce = new Uint8Array(span.clients!);
    this.failedOnce.fill(0);
    this.requests = 0;
    this.errors = 0;
    this.okInSpan = 0;
    this.spanStart = span.start;
    this.spanEnd = Number.POSITIVE_INFINITY;
    this.weighEdges = span.weighEdges;
    this.dropped = 0;
    this.framesSentBefore += this.framesSent;
    this.framesReceivedBefore += this.framesReceived;
    this.framesSent = 0;
    this.framesReceived = 0;
    this.record = record;
    this.errorsByKind = {};
    this.toolRequests.fill(0);
    for (const h of this.histograms) h.reset();
  }

  /** The load stopped issuing at `at` (performance.now() ms): the span's end. */
  endSpan(at: number): void {
    this.spanEnd = at;
  }

  /**
   * A request answered by its terminal frame without an error; sent at `startMs` by `client` as
   * its call number `turn` (closed model), latency in microseconds.
   */
  ok(tool: number, latencyUs: number, startMs: number, client = -1, turn = 0): void {
    this.requests++;
    const endMs = startMs + latencyUs / 1000;
    this.okInSpan += this.weighEdges ? spanShare(startMs, endMs, this.spanStart, this.spanEnd) : 1;
    this.toolRequests[tool]++;
    if (this.record) this.histograms[tool].recordValue(latencyUs);
    if (client < 0) return;
    const f = this.finishes?.[client];
    if (f !== undefined && this.failedOnce[client] === 0) {
      if (f.length === 0) {
        this.firstTurn[client] = turn;
        const prior = turn === 0 ? startMs : this.lastEndAt[client];
        this.priorMs[client] = prior === undefined || Number.isNaN(prior) ? null : this.sinceSpan(prior);
      }
      f.push(this.sinceSpan(endMs));
    }
    this.lastEndAt[client] = endMs;
  }

  private sinceSpan(atMs: number): number {
    return Math.round((atMs - this.spanStart) * 1000) / 1000;
  }

  /** A request that ended badly: `kind` is timeout, closed, protocol or the target's error code. */
  fail(tool: number, kind: string, client = -1): void {
    this.requests++;
    this.toolRequests[tool]++;
    this.countError(kind);
    if (client >= 0 && client < this.failedOnce.length) this.failedOnce[client] = 1;
    if (client >= 0) this.lastEndAt[client] = Number.NaN;
  }

  /** A fault that belongs to no request (a frame that is not valid for the protocol, a stray error). */
  countError(kind: string): void {
    this.errors++;
    this.errorsByKind[kind] = (this.errorsByKind[kind] ?? 0) + 1;
  }

  /** The window so far, for the live view: counts, and percentiles of the tools' histograms summed (never averaged). */
  progress(elapsedMs: number): WindowProgress {
    let latencyUs: WindowProgress['latencyUs'] = null;
    if (this.record) {
      const sum = (this.progressSum ??= newHistogram());
      sum.reset();
      for (const h of this.histograms) sum.add(h);
      latencyUs = { p50: sum.getValueAtPercentile(50), p95: sum.getValueAtPercentile(95), p99: sum.getValueAtPercentile(99) };
    }
    return { elapsedMs, requests: this.requests, errors: this.errors, latencyUs };
  }

  finish(durationMs: number, driverCpuUs: { user: number; system: number }): WindowStats {
    const all = newHistogram();
    const perTool: WindowStats['perTool'] = {};
    this.toolNames.forEach((name, i) => {
      all.add(this.histograms[i]);
      perTool[name] = { requests: this.toolRequests[i], histogram: encodeHistogram(this.histograms[i]) };
    });
    return {
      requests: this.requests,
      errors: this.errors,
      okInSpan: this.okInSpan,
      errorsByKind: { ...this.errorsByKind },
      dropped: this.dropped,
      framesSent: this.framesSent,
      framesReceived: this.framesReceived,
      framesSentTotal: this.framesSentBefore + this.framesSent,
      framesReceivedTotal: this.framesReceivedBefore + this.framesReceived,
      durationMs,
      histogram: encodeHistogram(all),
      perTool,
      driverCpuUs,
      ...(this.finishes !== null && { finishesMs: this.finishes, finishFirstTurn: this.firstTurn, finishPriorMs: this.priorMs }),
    };
  }
}

/**
 * The share of a request's time, from send to terminal frame, that lies within [from, to]: 1 for
 * a request wholly inside, the part inside for one that straddles an edge. Why: when a closed-model
 * window stops issuing, every client has a call still out, most of it after the end. Counted
 * whole, those calls read provider-slow (64 clients, ~1 s calls, 2 s windows) at ~80 req/s where
 * its clients' pace is ~66; and a count jumps by one when a call's start moves across the end by a
 * millisecond, where the share moves continuously (README, "How a verdict is reached").
 */
export function spanShare(start: number, end: number, from: number, to: number): number {
  if (end <= start) return start >= from && start <= to ? 1 : 0;
  return Math.max(0, Math.min(end, to) - Math.max(start, from)) / (end - start);
}
