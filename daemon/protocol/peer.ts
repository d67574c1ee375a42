/**
 * A client at the other end of the protocol, as calls and sessions address it: who it is, whether
 * it is open, and how to send it frames. Connection (connection/connection.ts) implements it;
 * calls/ and session/ see only this, so they do not depend on the connection that depends on them.
 */
import type { ClientRef, ErrorKind } from '../metrics/types.ts';
import type { RequestId, WireError } from './frames.ts';

export interface Peer {
  /** The session this connection serves (set at hello). */
  readonly sessionId: string;
  /** The metrics client, resolved once at hello; null before it. */
  readonly client: ClientRef | null;
  /** Past the handshake and not closed: frames sent now can arrive. */
  readonly isOpen: boolean;
  /** Send a frame that must arrive; false when it was not sent (closed, or closed now for backpressure). */
  send(text: string): boolean;
  /** Send a frame that may be skipped when the client is slow (progress). */
  sendDroppable(text: string): boolean;
  /** Error reply carrying the request id, counted as an error of `kind`. */
  sendError(requestId: RequestId, kind: ErrorKind, err: WireError, asCallResult?: boolean): void;
}
