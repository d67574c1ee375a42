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
  /** Close handshake with a code and reason; the transport reports back through Connection.closed(). */
  close(code: number, reason: string): void;
  /**
   * Read nothing more from the peer (an abuser being closed): what it already queued in the
   * socket is never parsed, so its flood stops costing the event loop at once.
   */
  stopReading?(): void;
  readonly remoteIp: string;
}
