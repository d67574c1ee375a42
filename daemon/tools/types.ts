/** What a tool is to the daemon: a synchronous CPU-only tool, or an async one with a provider. */
import type { ClientRef } from '../metrics/types.ts';

export type Args = Record<string, unknown>;
export type ProviderName = 'GLM' | 'KIMI';

export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
}

/** Bad arguments: answered as INVALID_REQUEST, not as a tool failure. */
export class ToolArgError extends Error {
  override name = 'ToolArgError';
}

/** Answers from memory in the same tick: no I/O, no awaits (the overhead scenarios' hot path). */
export interface SyncTool extends ToolSpec {
  readonly kind: 'sync';
  /** Returns the output text already JSON-escaped (so the reply is built without re-stringifying). */
  runJson(args: Args, nowMs: number): string;
}

export interface AsyncTool extends ToolSpec {
  readonly kind: 'async';
  readonly provider: ProviderName;
  run(call: CallContext): Promise<ToolOutcome>;
}

export type Tool = SyncTool | AsyncTool;

export interface CallContext {
  readonly toolName: string;
  readonly sessionId: string;
  readonly requestId: string;
  readonly args: Args;
  readonly client: ClientRef;
  /** Aborted on cancel, tool timeout or shutdown; pass it into every await that can take long. */
  readonly signal: AbortSignal;
  /** performance.now() at which the call frame was received. */
  readonly receivedAtMs: number;
  /** performance.now() after which the call has timed out. */
  readonly deadlineMs: number;
  /** The call is past its fast checks (cache miss): progress frames start now. */
  running(): void;
  /** Forward a provider stream chunk to the client. */
  chunk(text: string): void;
}

export interface ToolOutcome {
  text: string;
  fromCache: boolean;
  provider: ProviderName | null;
  processingMs: number;
  globalSemWaitMs?: number;
  providerSemWaitMs?: number;
}
