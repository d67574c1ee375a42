/**
 * The send path inside a running daemon (provider fake, fast metrics): dedup drops a call's
 * repeated progress frames (equal to the byte) exactly as the seed does, and the daemon's own
 * counters still equal what the client received; off, every frame goes out; the send breaker
 * shows as the `send` circuit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderFake } from '../../fakes/provider/server.ts';
import type { RunningServer } from '../../fakes/common/running.ts';
import { startTestDaemon, type TestDaemon } from '../testing/in-process.ts';
import { WsTestClient } from '../testing/ws-test-client.ts';
import { providerEnv } from '../testing/provider-control.ts';

let provider: RunningServer;
beforeAll(async () => {
  provider = await startProviderFake({ latency: 'constant:v=400ms', seed: 3 });
});
afterAll(async () => provider?.close());

async function run(env: Record<string, string>): Promise<{ progress: number; sentByDaemon: number; received: number; dedupHits: number; status: Record<string, unknown> }> {
  const d: TestDaemon = await startTestDaemon({ ...providerEnv(provider.url), METRICS_BACKEND: 'fast', EXAI_WS_PROGRESS_INTERVAL_SECS: '0.05', ...env });
  try {
    const c = await WsTestClient.hello(d.url);
    const res = await c.call('p1', 'chat', { prompt: `progress ${JSON.stringify(env)}` }, 10_000);
    expect(res.error).toBeUndefined();
    const status = await c.call('s1', 'status');
    const received = c.frames.length;
    await c.close();
    const snap = (await (await fetch(`${d.monitoringUrl}/metrics.json`)).json()) as { totals: { messagesSent: number; dedupHits: number } };
    return {
      progress: c.frames.filter((f) => f.op === 'progress').length,
      sentByDaemon: snap.totals.messagesSent,
      received,
      dedupHits: snap.totals.dedupHits,
      status: JSON.parse(status.outputs[0].text),
    };
  } finally {
    await d.close();
  }
}

describe('send path in the daemon', () => {
  it('dedup off (default): every progress frame of a 400 ms call goes out', async () => {
    const r = await run({});
    expect(r.progress).toBeGreaterThanOrEqual(4);
    expect(r.dedupHits).toBe(0);
    expect(r.sentByDaemon).toBe(r.received);
    expect(r.status.circuits).not.toHaveProperty('send');
  }, 20_000);

  it('dedup on: the repeated, byte-equal progress frames go out once, counted as dedup hits; the totals still equal what arrived', async () => {
    const r = await run({ EXAI_SEND_DEDUP: 'on' });
    expect(r.progress).toBe(1);
    expect(r.dedupHits).toBeGreaterThanOrEqual(3);
    expect(r.sentByDaemon).toBe(r.received);
  }, 20_000);

  it('breaker and retry on: traffic flows and the send circuit is CLOSED', async () => {
    const r = await run({ EXAI_SEND_BREAKER: 'on', EXAI_SEND_RETRY: 'on' });
    expect(r.status.circuits).toMatchObject({ send: 'CLOSED', GLM: 'CLOSED' });
    expect(r.sentByDaemon).toBe(r.received);
  }, 20_000);
});
