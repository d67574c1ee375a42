import { DriverConnection } from './driver-connection.ts';
import type { SharedState } from './shared-state.ts';

const RECONNECT_DELAY_MS = 100;
const RECONNECT_RETRY_MS = 250;

/**
 * A busy client (k6: a virtual user): one connection under one session id, and the reconnect
 * rules both load models share: churn (close and resume the same session every N requests) and
 * recovery after the target dropped the connection, only while a window runs.
 */
export class BusyClient {
  readonly conn: DriverConnection;
  /** Requests issued on the current connection (for churn). */
  sinceConnect = 0;
  /** Churn is due: the load model issues nothing more on this connection. */
  draining = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    shared: SharedState,
    readonly index: number,
    sessionId: string,
    private readonly isActive: () => boolean,
    /** Called when the connection is (again) ready during a window. */
    private readonly onReady: (c: BusyClient) => void,
  ) {
    this.conn = new DriverConnection(shared, sessionId);
    this.conn.onLost = () => this.scheduleReconnect(RECONNECT_DELAY_MS);
  }

  /**
   * Spread churn over the clients: client i of n first reconnects after (1 + i/n) x everyRequests,
   * so they do not all reconnect at the same moment (they would with round-robin arrivals).
   */
  staggerChurn(clients: number, everyRequests: number): void {
    this.sinceConnect = -Math.floor((this.index * everyRequests) / clients);
  }

  /** Close and open again with the same session id; the handshake frames count in the window. */
  churn(): void {
    this.draining = true;
    void this.conn.close().then(() => this.reconnect());
  }

  /** At a window start: a connection lost between windows comes back now, not while idle. */
  ensureConnected(): void {
    if (this.conn.state === 'closed' && this.retryTimer === undefined) this.reconnect();
  }

  private reconnect(): void {
    this.retryTimer = undefined;
    // One attempt at a time: churn and a lost connection may both ask for one.
    if (!this.isActive() || this.conn.state === 'connecting' || this.conn.state === 'ready') return;
    this.conn.open().then(
      () => {
        this.sinceConnect = 0;
        this.draining = false;
        if (this.isActive()) this.onReady(this);
      },
      () => this.scheduleReconnect(RECONNECT_RETRY_MS),
    );
  }

  private scheduleReconnect(ms: number): void {
    if (!this.isActive() || this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => this.reconnect(), ms);
  }

  /** Window over: no reconnect attempts until the next one. */
  cancelTimers(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** In flight or mid-handshake: the window's drain waits for it. */
  busy(): boolean {
    return this.conn.inflight.size > 0 || this.conn.state === 'connecting' || this.conn.state === 'closing';
  }
}
