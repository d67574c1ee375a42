/**
 * Abuse costs the abuser, over a real WebSocket: a flooding client is answered OVER_CAPACITY, then
 * closed with 4029 once its strikes add up; frames it had already sent are counted but not
 * handled; a well-behaved client beside it is served throughout, and the daemon's counters still
 * equal what each client put on the wire.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../connection/close-codes.ts';
import { sessionHash } from '../monitoring/session-hash.ts';
import { startTestDaemon, type TestDaemon } from '../testing/in-process.ts';
import { WsTestClient } from '../testing/ws-test-client.ts';
import { PERSISTENT_ABUSE } from './rate-limiter.ts';

let d: TestDaemon | undefined;
afterEach(async () => {
  await d?.close();
  d = undefined;
});

describe('a flooding client', () => {
  it('is refused, then closed with 4029; the other client on the same IP is still served', async () => {
    d = await startTestDaemon({
      METRICS_BACKEND: 'fast',
      EXAI_RATE_LIMIT: 'on',
      EXAI_RATE_SESSION: '20/10',
      EXAI_RATE_IP: '100000/100000',
      EXAI_RATE_ABUSE_STRIKES: '50',
    });
    const good = await WsTestClient.hello(d.url, { session_id: 'good-client' });
    const flood = await WsTestClient.hello(d.url, { session_id: 'flooder' });
    for (let i = 0; i < 2000; i++) flood.send({ op: 'ping', request_id: `f${i}` });
    expect(await flood.closed(10_000)).toBe(CloseCode.RateLimitAbuse);

    const pongs = flood.frames.filter((f) => f.op === 'pong');
    const refusals = flood.frames.filter((f) => f.op === 'error' && f.error?.code === 'OVER_CAPACITY');
    // 20 tokens (plus a little refill), then 50 strikes, the last of which is the abuse verdict.
    expect(pongs.length).toBeGreaterThanOrEqual(20);
    expect(pongs.length).toBeLessThan(40);
    expect(refusals.length).toBeGreaterThanOrEqual(49);
    expect(refusals.length).toBeLessThan(60);
    expect(refusals.at(-1)!.error.details.reason).toBe(PERSISTENT_ABUSE);
    // Nothing after the close was handled: at most one reply per request, and far fewer than sent.
    const ids = flood.frames.map((f) => f.request_id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeLessThan(100);

    for (let i = 0; i < 10; i++) expect((await good.call(`g${i}`, 'status')).outputs).toBeDefined();
    expect(d.logs.some((l) => l.includes(`closing session ${sessionHash('flooder')}`) && !l.includes('flooder'))).toBe(true);

    // Exact counting still holds: every frame that reached the daemon was counted, handled or not.
    const snap = d.metrics.snapshot();
    expect(snap.clients.flooder.messagesSent).toBe(flood.frames.length);
    expect(snap.clients.flooder.messagesReceived).toBeLessThanOrEqual(flood.sentFrames);
    expect(snap.clients['good-client']).toMatchObject({ messagesReceived: good.sentFrames, messagesSent: good.frames.length });
    await good.close();
  });
});
