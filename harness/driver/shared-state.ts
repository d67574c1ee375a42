import { newFrameInfo, type FrameInfo, type ProtocolAdapter } from '../protocol/index.ts';
import type { WindowRecorder } from './recorder.ts';

/** What every connection of one driver shares: the wire format, the counters, the id sequence. */
export interface SharedState {
  readonly url: string;
  readonly token: string | undefined;
  readonly adapter: ProtocolAdapter;
  readonly rec: WindowRecorder;
  /** Reused by every classify call (the hot loop allocates no result objects). */
  readonly info: FrameInfo;
  /** The highest request id handed out (open model: 1, 2, 3... in schedule order; closed: by client and turn). */
  lastRequestId: number;
  readonly handshakeTimeoutMs: number;
  /** The mix's tool names by index (Pending.tool): an id-less error naming a tool narrows to its calls. */
  readonly toolNames: readonly string[];
}

export function createSharedState(opts: {
  url: string;
  token?: string;
  adapter: ProtocolAdapter;
  rec: WindowRecorder;
  handshakeTimeoutMs?: number;
  toolNames?: readonly string[];
}): SharedState {
  return {
    url: opts.url,
    token: opts.token,
    adapter: opts.adapter,
    rec: opts.rec,
    info: newFrameInfo(),
    lastRequestId: 0,
    handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 10_000,
    toolNames: opts.toolNames ?? [],
  };
}
