/**
 * The one thing a Connection needs from the wire. The ws server and the in-process hot path both
 * implement it, so they run the same frame handling code (never a copy of the hot path: bench:tight
 * measures the daemon's own).
 */
export interface Transport {
  /** Queue one text frame; returns its size in bytes. */
  send(text: string): number;
  /** Bytes queued but not yet written to the socket (backpressure). */
  readonly bufferedAmount: number;
  /**
   * False once the peer's close frame has arrived (the socket is closing, before the transport
   * reports it gone): a frame sent then is dropped by the socket, so a reply must go to the
   * session's pending queue instead. Absent: open until closed.
   */
  readonly open?: boolean;
  /** Close handshake with a code and reason; the transport reports back through Connection.closed(). */
  close(code: number, reason: string): void;
  /**
   * Read nothing more from the peer (an abuser being closed): what it already queued in the
   * socket is never parsed, so its flood stops costing the event loop at once.
   */
  stopReading?(): void;
  readonly remoteIp: string;
}
