/**
 * The counting rule end to end: after a mix of frames each way (hello, replies, errors, refused
 * handshakes), /metrics.json totals and per-client counters equal what the clients counted.
 */
import { describe, expect, it } from 'vitest';
import type { BackendName, MetricsSnapshot } from './metrics/types.ts';
import { startTestDaemon } from './testing/in-process.ts';
import { WsTestClient } from './testing/ws-test-client.ts';
import { sessionHash } from './monitoring/session-hash.ts';

const EXACT: BackendName[] = ['fast', 'legacy', 'prom', 'otel'];

async function drive(url: string, sessionId: string, n: number): Promise<WsTestClient> {
  const c = await WsTestClient.hello(url, { session_id: sessionId });
  for (let i = 0; i < n; i++) {
    const k = i % 5;
    if (k === 0) c.send({ op: 'call_tool', request_id: `s${i}`, name: 'status' });
    else if (k === 1) c.send({ op: 'ping', request_id: `p${i}` });
    else if (k === 2) c.send('{broken');
    else if (k === 3) c.send({ op: 'call_tool', request_id: `u${i}`, name: 'nope' });
    else c.send({ op: 'list_tools', request_id: `l${i}` });
  }
  c.send({ op: 'ping', request_id: 'last' });
  await c.next((f) => f.op === 'pong' && f.request_id === 'last');
  return c;
}

describe.each(EXACT)('exact counts with METRICS_BACKEND=%s', (backend) => {
  it('totals and per-client counters equal what the clients counted', async () => {
    const d = await startTestDaemon({ METRICS_BACKEND: backend });
    try {
      const a = await drive(d.url, 'exact-a', 53);
      const b = await drive(d.url, 'exact-b', 21);
      const refused = await WsTestClient.open(d.url);
      refused.send({ op: 'status' }); // not a hello: counted against 'anonymous'
      await refused.closed();
      await a.close();
      await b.close();
      for (let i = 0; i < 100 && d.parts.live.connections > 0; i++) await new Promise((r) => setTimeout(r, 10));
      const snap = (await (await fetch(`${d.monitoringUrl}/metrics.json`)).json()) as MetricsSnapshot;
      expect(snap.backend).toBe(backend);
      expect(snap.exact).toBe(true);
      for (const [id, c] of [['exact-a', a], ['exact-b', b]] as const) {
        expect(snap.clients[sessionHash(id)]).toMatchObject({ messagesReceived: c.sentFrames, messagesSent: c.frames.length, connectionsOpened: 1, connectionsClosed: 1 });
      }
      expect(snap.clients.anonymous).toMatchObject({ messagesReceived: 1, messagesSent: 1 });
      expect(snap.totals.messagesReceived).toBe(a.sentFrames + b.sentFrames + 1);
      expect(snap.totals.messagesSent).toBe(a.frames.length + b.frames.length + refused.frames.length);
      expect(snap.totals.connectionsOpened).toBe(3);
      expect(snap.totals.connectionsClosed).toBe(3);
    } finally {
      await d.close();
    }
  });
});
