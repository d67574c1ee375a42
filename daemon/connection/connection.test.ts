/**
 * Connection over a scripted transport: send backpressure (progress dropped above the soft
 * limit, close above the hard limit) and the metrics counting rule for failed and good hellos.
 */
import { describe, expect, it } from 'vitest';
import { Connection } from './connection.ts';
import type { Transport } from './transport.ts';
import { buildParts } from '../parts.ts';
import { defaultConfig } from '../config.ts';
import { RecordingMetrics } from '../testing/recording-metrics.ts';

class ScriptedTransport implements Transport {
  bufferedAmount = 0;
  open = true;
  readonly remoteIp = '10.0.0.1';
  readonly sent: string[] = [];
  closedWith: [number, string] | null = null;
  send(text: string): number {
    this.sent.push(text);
    return text.length;
  }
  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
  }
}

function setup() {
  const metrics = new RecordingMetrics();
  const parts = buildParts(defaultConfig({ rateLimit: false, sendSoftBytes: 100, sendHardBytes: 1000 }), metrics, { redis: null, supabase: null }, () => {});
  const t = new ScriptedTransport();
  const conn = new Connection(parts, t);
  return { metrics, parts, t, conn };
}

const hello = (conn: Connection, extra = '') => {
  const f = `{"op":"hello","session_id":"unit-1"${extra}}`;
  conn.receive(f, f.length);
};

describe('Connection backpressure', () => {
  it('drops progress above the soft limit, keeps replies, closes above the hard limit', () => {
    const { t, conn, metrics, parts } = setup();
    hello(conn);
    t.bufferedAmount = 500;
    expect(conn.sendDroppable('{"op":"progress"}')).toBe(false);
    expect(conn.dropped).toBe(1);
    expect(conn.send('{"op":"call_tool_res"}')).toBe(true);
    t.bufferedAmount = 5000;
    expect(conn.send('{"op":"call_tool_res"}')).toBe(false);
    expect(t.closedWith?.[0]).toBe(1008);
    expect(t.closedWith?.[1]).toMatch(/Backpressure/);
    expect(conn.isOpen).toBe(false);
    expect(metrics.errors).toContain('backpressure');
    expect(parts.live.connections).toBe(0);
    // Nothing more is queued once closed.
    expect(conn.send('x')).toBe(false);
    expect(t.sent).toHaveLength(2);
  });
});

describe('Connection while the peer closes', () => {
  it('is no longer open once the peer\'s close frame is in, and writes nothing more (a finished call then goes to the session\'s pending queue: running-call.ts deliver)', () => {
    const { t, conn } = setup();
    hello(conn);
    expect(conn.isOpen).toBe(true);
    t.open = false; // the close frame has arrived; the transport has not reported the socket gone yet
    expect(conn.isOpen).toBe(false);
    expect(conn.send('{"op":"call_tool_res"}')).toBe(false);
    expect(conn.sendDroppable('{"op":"progress"}')).toBe(false);
    expect(t.sent).toEqual(['{"op":"hello_ack","ok":true,"session_id":"unit-1"}']);
  });
});

describe('Connection accounting', () => {
  it('counts hello and hello_ack as frames, and every reply frame', () => {
    const { t, conn, metrics } = setup();
    hello(conn);
    const call = '{"op":"call_tool","request_id":"a","name":"status"}';
    conn.receive(call, call.length);
    expect(metrics.framesReceived).toBe(2);
    expect(metrics.framesSent).toBe(3); // hello_ack, stream_complete, call_tool_res
    expect(t.sent.map((s) => JSON.parse(s).op)).toEqual(['hello_ack', 'stream_complete', 'call_tool_res']);
  });

  it('counts a refused hello against the anonymous client and closes', () => {
    const { t, conn, metrics } = setup();
    const f = '{"op":"ping"}';
    conn.receive(f, f.length);
    expect(metrics.framesReceived).toBe(1);
    expect(metrics.framesSent).toBe(1);
    expect(metrics.errors).toEqual(['protocol']);
    expect(t.closedWith?.[0]).toBe(4001);
    conn.closed(); // the transport reports the close later: must not double count
    expect(conn.isOpen).toBe(false);
  });
});
