/**
 * One async tool call from start to its single terminal frame: progress while it runs, stream
 * chunks, cancel and timeout through one AbortController, joiners (the same request id sent again)
 * answered with from_inflight, and the result queued for the session when its client is gone.
 */
import type { ClientRef, MetricsBackend } from '../metrics/types.ts';
import type { Peer } from '../protocol/peer.ts';
import type { SessionRegistry } from '../session/session-registry.ts';
import type { Args, AsyncTool, CallContext, ToolOutcome } from '../tools/types.ts';
import * as F from '../protocol/frames.ts';
import { CallAborted } from './abort-reason.ts';
import { describeFailure } from '../pipeline/stage-error.ts';
import type { Auditor } from '../pipeline/auditor.ts';

/** What every running call needs of the daemon: one object, built once and shared by all calls. */
export interface CallDeps {
  readonly metrics: MetricsBackend;
  /** Where a terminal frame goes when nobody who asked is connected any more. */
  readonly sessions: Pick<SessionRegistry, 'deliver'>;
  readonly log: (line: string) => void;
  readonly toolTimeoutSec: number;
  readonly progressIntervalSec: number;
  /** The periodic auditor, which samples finished calls (EXAI_AUDITOR); absent or null when off. */
  readonly auditor?: Auditor | null;
}

export class RunningCall implements CallContext {
  readonly signal: AbortSignal;
  readonly deadlineMs: number;
  readonly client: ClientRef;
  readonly sessionId: string;
  private readonly abort = new AbortController();
  private readonly idJson: string;
  private readonly joiners: Peer[] = [];
  private progressTimer: NodeJS.Timeout | null = null;
  private readonly timeoutTimer: NodeJS.Timeout;

  constructor(
    private readonly deps: CallDeps,
    private readonly origin: Peer,
    private readonly tool: AsyncTool,
    readonly requestId: string,
    readonly args: Args,
    readonly receivedAtMs: number,
    private readonly onDone: (call: RunningCall) => void,
  ) {
    this.signal = this.abort.signal;
    this.client = origin.client!;
    this.sessionId = origin.sessionId;
    this.idJson = JSON.stringify(requestId);
    const timeoutMs = deps.toolTimeoutSec * 1000;
    this.deadlineMs = receivedAtMs + timeoutMs;
    // Counted from the deadline, not from now: the call may start a while after its frame arrived.
    this.timeoutTimer = setTimeout(
      () => this.stop(new CallAborted('timeout', `tool ${tool.name} timed out after ${deps.toolTimeoutSec} s`)),
      Math.max(0, this.deadlineMs - performance.now()),
    );
  }

  get toolName(): string {
    return this.tool.name;
  }

  start(): void {
    let p: Promise<ToolOutcome>;
    try {
      p = this.tool.run(this);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (out) => this.succeeded(out),
      (err: unknown) => this.failed(this.signal.aborted ? this.signal.reason : err),
    );
  }

  join(conn: Peer): void {
    this.joiners.push(conn);
  }

  stop(reason: CallAborted): void {
    if (!this.signal.aborted) this.abort.abort(reason);
  }

  running(): void {
    if (this.progressTimer !== null || this.signal.aborted) return;
    const every = this.deps.progressIntervalSec * 1000;
    this.progressTimer = setInterval(() => {
      // Progress is the first thing a slow client loses (see Connection.sendDroppable).
      if (this.origin.isOpen) this.origin.sendDroppable(F.progress(this.idJson));
    }, every);
  }

  chunk(text: string): void {
    if (this.origin.isOpen && !this.signal.aborted) this.origin.send(F.streamChunk(this.idJson, text));
  }

  private succeeded(out: ToolOutcome): void {
    const now = performance.now();
    this.finish();
    const latency: F.LatencyMetrics = {
      latency_ms: now - this.receivedAtMs,
      processing_ms: out.processingMs,
      provider_name: out.provider,
      global_sem_wait_ms: out.globalSemWaitMs,
      provider_sem_wait_ms: out.providerSemWaitMs,
    };
    const textJson = JSON.stringify(out.text);
    const source = out.fromCache ? F.ResultSource.Cache : F.ResultSource.Fresh;
    this.deliver(F.callToolRes(this.idJson, textJson, latency, source), out.fromCache ? null : F.streamComplete(this.idJson), () =>
      F.callToolRes(this.idJson, textJson, latency, F.ResultSource.Inflight),
    );
    this.deps.metrics.requestDone(this.client, this.tool.name, (now - this.receivedAtMs) * 1000, true);
    this.deps.auditor?.observe({ tool: this.tool.name, sessionId: this.sessionId, requestId: this.requestId, latencyMs: now - this.receivedAtMs, ok: true });
  }

  private failed(err: unknown): void {
    const now = performance.now();
    this.finish();
    const { kind, wire } = describeFailure(err);
    if (kind === 'internal') this.deps.log(`call ${this.requestId} (${this.tool.name}) failed: ${(err as Error)?.stack ?? String(err)}`);
    this.deps.metrics.error(this.client, kind);
    const frame = F.callToolError(this.requestId, wire);
    this.deliver(frame, null, () => frame);
    this.deps.metrics.requestDone(this.client, this.tool.name, (now - this.receivedAtMs) * 1000, false);
    this.deps.auditor?.observe({ tool: this.tool.name, sessionId: this.sessionId, requestId: this.requestId, latencyMs: now - this.receivedAtMs, ok: false, errorCode: wire.code });
  }

  private finish(): void {
    clearTimeout(this.timeoutTimer);
    if (this.progressTimer !== null) clearInterval(this.progressTimer);
    this.progressTimer = null;
    this.onDone(this);
  }

  /**
   * Exactly one terminal frame per waiting connection: the originating one (with stream_complete
   * first on a fresh success), each joiner (from_inflight), or the session's pending queue when
   * nobody who asked is connected any more.
   */
  private deliver(terminal: string, before: string | null, forJoiner: () => string): void {
    let delivered = false;
    if (this.origin.isOpen) {
      if (before !== null) this.origin.send(before);
      this.origin.send(terminal);
      delivered = true;
    }
    let joinerFrame: string | null = null;
    for (const j of this.joiners) {
      if (j.isOpen) {
        j.send((joinerFrame ??= forJoiner()));
        delivered = true;
      }
    }
    if (!delivered) this.deps.sessions.deliver(this.sessionId, terminal);
  }
}
