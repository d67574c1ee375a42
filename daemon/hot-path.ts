/**
 * The daemon's real frame handling in process, without a socket (bench:tight's hot-path workload):
 * the same Connection, CallManager and tools as the ws server, over a Transport that counts what
 * it is given. A `call_tool status` frame runs parse -> validate -> route -> tool -> serialise ->
 * send synchronously, with exactly the metrics calls the daemon makes per frame.
 *
 * Differences from the daemon, by design: no Redis/Supabase (memory stores), rate limiting off
 * (a benchmark loop would drain the buckets), and bytes counted with Buffer.byteLength as the ws
 * transport does.
 */
import type { MetricsBackend } from './metrics/types.ts';
import { defaultConfig } from './config.ts';
import { buildParts } from './parts.ts';
import { Connection } from './connection/connection.ts';
import type { Transport } from './connection/transport.ts';

export interface HotPathClient {
  /** Feed one text frame as if it arrived on the socket. */
  receive(raw: string): void;
  /** Frames the daemon sent to this client so far (hello_ack included). */
  readonly sent: number;
  /** Bytes of those frames. */
  readonly sentBytes: number;
  /** The last frame sent (for checks; not copied). */
  readonly last: string;
  close(): void;
}

export interface HotPath {
  connect(sessionId: string): HotPathClient;
}

class CountingTransport implements Transport {
  sent = 0;
  sentBytes = 0;
  last = '';
  readonly bufferedAmount = 0;
  readonly remoteIp = '127.0.0.1';
  conn: Connection | null = null;

  send(text: string): number {
    const bytes = Buffer.byteLength(text);
    this.sent++;
    this.sentBytes += bytes;
    this.last = text;
    return bytes;
  }

  close(): void {
    this.conn?.closed();
  }
}

export function createHotPath(metrics: MetricsBackend): HotPath {
  const parts = buildParts(defaultConfig({ rateLimit: false, metricsBackend: metrics.name }), metrics, { redis: null, supabase: null }, () => {});
  return {
    connect(sessionId) {
      const t = new CountingTransport();
      const conn = new Connection(parts, t);
      t.conn = conn;
      const hello = JSON.stringify({ op: 'hello', session_id: sessionId });
      conn.receive(hello, Buffer.byteLength(hello));
      if (!conn.isOpen) throw new Error(`hot path: hello refused for session id ${JSON.stringify(sessionId)} (3..64 of [A-Za-z0-9_-])`);
      return {
        receive: (raw: string) => conn.receive(raw, Buffer.byteLength(raw)),
        get sent() {
          return t.sent;
        },
        get sentBytes() {
          return t.sentBytes;
        },
        get last() {
          return t.last;
        },
        close: () => conn.close(1000, 'done'),
      };
    },
  };
}
