/**
 * A protocol adapter turns "call tool X with args" into frames and recognises what comes back.
 * The driver owns sockets, timing and bookkeeping; an adapter owns only the wire format.
 * Request ids are positive integers chosen by the driver (unique per driver process); an adapter
 * writes them in whatever form its protocol uses and reads them back as numbers.
 */

/** What one incoming frame means to the driver. */
export type FrameKind =
  /** The request's last frame (success or error): `info.requestId`, `info.error`. */
  | 'terminal'
  /** A frame belonging to an in-flight request that does not end it (progress, stream chunk). */
  | 'partial'
  /**
   * An error naming no request (the real EXAI daemon's defect): one of the calls in flight on the
   * connection failed; which one is decided by orphan-attribution.ts (`info.tool` may narrow it).
   */
  | 'orphan-error'
  /**
   * An error about the connection or session, not about any request (e.g. the session store was
   * unreachable at hello): counted as an error of the window, and no call in flight is ended.
   */
  | 'connection-error'
  /** Nothing to do with requests (a hello_ack repeat, an unrelated notification). */
  | 'ignore'
  /** Not valid for the protocol (not JSON, a reply with a non-numeric id...): `info.error` says what. */
  | 'invalid';

/** Filled in by `classify`; one object is reused for every frame so the hot loop allocates nothing. */
export interface FrameInfo {
  requestId: number;
  /** The error code the target sent (terminal, orphan- or connection-error), or what was invalid; else undefined. */
  error: string | undefined;
  /** A frame the driver must send back (e.g. a reply to a JSON-RPC ping request); rarely set. */
  reply: string | undefined;
  /** An orphan-error that names the tool whose call failed ("Tool not found: x"): that tool. */
  tool: string | undefined;
}

export function newFrameInfo(): FrameInfo {
  return { requestId: 0, error: undefined, reply: undefined, tool: undefined };
}

/** One connection's handshake, as a small state machine fed with incoming frames. */
export interface Handshake {
  /** Frames to send as soon as the socket is open. */
  first(): string[];
  /** Feed every frame received before the handshake is done. */
  onFrame(frame: string): { send?: string[]; done: boolean; failed?: string };
}

export interface HandshakeOptions {
  token?: string;
  /** Session to start or resume (EXAI); ignored by protocols without sessions. */
  sessionId: string;
}

/** Builds one request frame from its id; made once per mix entry so the hot loop only concatenates. */
export type RequestBuilder = (requestId: number) => string;

export interface ProtocolAdapter {
  readonly name: 'exai' | 'mcp';
  /** Extra HTTP headers for the WebSocket upgrade (e.g. a bearer token). */
  upgradeHeaders(opts: HandshakeOptions): Record<string, string>;
  handshake(opts: HandshakeOptions): Handshake;
  /** A request frame for one call. */
  buildRequest(tool: string, args: Record<string, unknown>, requestId: number): string;
  /**
   * A builder for many calls of one tool. `uniqueField`: the string argument that gets the
   * request id appended (` #<id>`) so that no two requests are alike (a result cache cannot hit).
   */
  compileRequest(tool: string, args: Record<string, unknown>, uniqueField?: string): RequestBuilder;
  /** A Buffer is a raw utf-8 text frame (as ws delivers it); an adapter may read it without decoding. */
  classify(frame: string | Buffer, info: FrameInfo): FrameKind;
}
