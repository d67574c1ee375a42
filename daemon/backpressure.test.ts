/**
 * A client that never reads cannot grow the daemon's memory: it floods requests with its socket
 * paused, and the daemon closes it once its send buffer passes EXAI_WS_SEND_HARD_BYTES.
 */
import { expect, it } from 'vitest';
import { startTestDaemon } from './testing/in-process.ts';
import { WsTestClient } from './testing/ws-test-client.ts';
import { RecordingMetrics } from './testing/recording-metrics.ts';

it('closes a client that does not read, with its buffer bounded', async () => {
  const metrics = new RecordingMetrics();
  const d = await startTestDaemon({ EXAI_WS_SEND_SOFT_BYTES: '262144', EXAI_WS_SEND_HARD_BYTES: '1048576' }, metrics);
  try {
    const c = await WsTestClient.hello(d.url, { session_id: 'never-reads' });
    c.ws.pause(); // stop reading: replies pile up in the kernel, then in the daemon
    const pad = 'x'.repeat(16 * 1024);
    // 64 MiB of replies requested, far past what kernel buffers and the 1 MiB limit hold.
    for (let i = 0; i < 4096 && d.parts.live.connections > 0; i++) {
      c.send({ op: 'call_tool', request_id: `f${i}`, name: 'echo', arguments: { pad } });
      if (i % 64 === 63) await new Promise((r) => setTimeout(r, 5));
    }
    for (let i = 0; i < 200 && d.parts.live.connections > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(d.parts.live.connections).toBe(0);
    expect(metrics.errors).toContain('backpressure');
    expect(d.logs.some((l) => l.includes('client not reading'))).toBe(true);
    // What the daemon wrote is bounded by kernel socket buffers (tcp_wmem + tcp_rmem maxima,
    // 36 MiB by default) plus the 1 MiB limit, not by the 64 MiB the client asked for.
    const replyBytes = (metrics.framesSent / 2) * pad.length;
    expect(replyBytes).toBeLessThan(40 * 1024 * 1024);
    c.ws.resume();
    expect(await c.closed()).toBe(1008);
    expect(c.closeReason).toMatch(/Backpressure/);
  } finally {
    await d.close();
  }
});
