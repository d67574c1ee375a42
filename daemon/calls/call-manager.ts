/**
 * call_tool / tool_call: validation, tool lookup, the synchronous path for CPU-only tools, and the
 * registry of running async calls by (session, request id) for in-flight joins and cancel.
 */
import type { Peer } from '../protocol/peer.ts';
import type { LiveState } from '../live-state.ts';
import type { MetricsBackend } from '../metrics/types.ts';
import type { Args } from '../tools/types.ts';
import { stripToolSuffix, type ToolRegistry } from '../tools/registry.ts';
import * as F from '../protocol/frames.ts';
import { describeFailure } from '../pipeline/stage-error.ts';
import { RunningCall, type CallDeps } from './running-call.ts';
import { CallAborted } from './abort-reason.ts';
import { burnCpu } from './burn.ts';

const MAX_REQUEST_ID = 256;
const EMPTY_ARGS: Args = Object.freeze({}) as Args;

export class CallManager {
  private readonly running = new Map<string, RunningCall>();
  private readonly metrics: MetricsBackend;

  /**
   * `deps` goes to every RunningCall; its metrics count the synchronous calls too. `burnUs`:
   * EXAI_BENCH_BURN_US, calibration's injected cost per accepted call (0 = off).
   */
  constructor(
    private readonly tools: ToolRegistry,
    private readonly live: LiveState,
    private readonly deps: CallDeps,
    private readonly burnUs = 0,
  ) {
    this.metrics = deps.metrics;
  }

  get size(): number {
    return this.running.size;
  }

  handle(conn: Peer, msg: F.Frame, t0: number): void {
    const rid = msg.request_id;
    if (typeof rid !== 'string' || rid.length === 0 || rid.length > MAX_REQUEST_ID) {
      this.invalid(conn, rid, `request_id must be a non-empty string of at most ${MAX_REQUEST_ID} characters`);
      return;
    }
    let rawName: unknown;
    let args: unknown;
    if (msg.op === 'call_tool') {
      rawName = msg.name;
      args = msg.arguments;
    } else {
      const nested = typeof msg.tool === 'object' && msg.tool !== null ? (msg.tool as F.Frame) : null;
      rawName = nested !== null ? nested.name : msg.name;
      args = msg.arguments ?? nested?.arguments;
    }
    if (typeof rawName !== 'string' || rawName.length === 0) {
      this.invalid(conn, rid, msg.op === 'call_tool' ? '"name" must be a non-empty string' : '"tool.name" must be a non-empty string');
      return;
    }
    if (args === undefined || args === null) args = EMPTY_ARGS;
    else if (typeof args !== 'object' || Array.isArray(args)) {
      this.invalid(conn, rid, '"arguments" must be an object');
      return;
    }
    const name = stripToolSuffix(rawName);
    const tool = this.tools.get(name);
    if (tool === undefined) {
      conn.sendError(rid, 'tool_not_found', { code: 'TOOL_NOT_FOUND', message: `Unknown tool: ${name.slice(0, 128)}` }, true);
      return;
    }
    // Calibration only: a known cost on every accepted call, sync (status, echo) or async alike.
    if (this.burnUs > 0) burnCpu(this.burnUs);

    if (tool.kind === 'sync') {
      // The hot path: parse -> route -> tool -> serialise -> send, all in this tick.
      let textJson: string;
      try {
        textJson = tool.runJson(args as Args, t0);
      } catch (err) {
        const { kind, wire } = describeFailure(err);
        conn.sendError(rid, kind, wire, true);
        this.metrics.requestDone(conn.client!, tool.name, (performance.now() - t0) * 1000, false);
        return;
      }
      const idJson = JSON.stringify(rid);
      const ms = performance.now() - t0;
      conn.send(F.streamComplete(idJson));
      // A sync tool's processing is the whole of its handling: one clock read serves both fields.
      conn.send(F.callToolRes(idJson, textJson, { latency_ms: ms, processing_ms: ms, provider_name: null }, F.ResultSource.Fresh));
      this.metrics.requestDone(conn.client!, tool.name, ms * 1000, true);
      return;
    }

    const key = `${conn.sessionId}\n${rid}`;
    const existing = this.running.get(key);
    if (existing !== undefined) {
      existing.join(conn);
      this.metrics.dedupHit(conn.client!);
      return;
    }
    const call = new RunningCall(this.deps, conn, tool, rid, args as Args, t0, () => {
      this.running.delete(key);
      this.live.callEnded();
    });
    this.running.set(key, call);
    this.live.callStarted();
    call.start();
  }

  /** Abort the session's call with this request id; false when there is none. */
  cancel(conn: Peer, requestId: string): boolean {
    const call = this.running.get(`${conn.sessionId}\n${requestId}`);
    if (call === undefined) return false;
    call.stop(new CallAborted('cancelled', `call ${requestId} cancelled by the client`));
    return true;
  }

  /** Shutdown: every running call ends now with an error frame. */
  stopAll(): void {
    for (const call of this.running.values()) call.stop(new CallAborted('shutdown', 'daemon shutting down'));
  }

  private invalid(conn: Peer, rid: unknown, why: string): void {
    const id = typeof rid === 'string' || typeof rid === 'number' ? rid : null;
    conn.sendError(id, 'validation', { code: 'INVALID_REQUEST', message: `Invalid message: ${why}`, details: { op: 'call_tool' } }, true);
  }
}
