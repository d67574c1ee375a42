/**
 * Monitoring behind the token, over real HTTP: with EXAI_WS_TOKEN set every endpoint but /health
 * answers 401 without `Authorization: Bearer <token>`, and no endpoint lists a session id in clear.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../testing/in-process.ts';
import { WsTestClient } from '../testing/ws-test-client.ts';
import { hashPrometheusClients, sessionHash } from './session-hash.ts';

const SESSION = 'resume-key-7f3a9c21';
const TOKEN = 'monitor-token-123456';
const PATHS = ['/stats', '/metrics', '/metrics.json', '/metrics.json?scope=cluster', '/no-such-path'];

let d: TestDaemon | undefined;
afterEach(async () => {
  await d?.close();
  d = undefined;
});

async function withClient(daemon: TestDaemon, token?: string): Promise<void> {
  const c = await WsTestClient.hello(daemon.url, { session_id: SESSION, ...(token ? { token } : {}) });
  await c.call('r1', 'status');
  await c.close();
}

describe('monitoring with EXAI_WS_TOKEN', () => {
  it('/health is open; every other path is 401 without the bearer token, or with a wrong one', async () => {
    d = await startTestDaemon({ EXAI_WS_TOKEN: TOKEN, METRICS_BACKEND: 'fast' });
    expect((await fetch(`${d.monitoringUrl}/health`)).status).toBe(200);
    for (const p of PATHS) {
      const none = await fetch(`${d.monitoringUrl}${p}`);
      expect(none.status, p).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await fetch(`${d.monitoringUrl}${p}`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status, p).toBe(401);
      expect((await fetch(`${d.monitoringUrl}${p}`, { headers: { authorization: TOKEN } })).status, p).toBe(401);
    }
    const ok = { headers: { authorization: `Bearer ${TOKEN}` } };
    expect((await fetch(`${d.monitoringUrl}/stats`, ok)).status).toBe(200);
    expect((await fetch(`${d.monitoringUrl}/metrics`, ok)).status).toBe(200);
    expect((await fetch(`${d.monitoringUrl}/metrics.json`, ok)).status).toBe(200);
    expect((await fetch(`${d.monitoringUrl}/no-such-path`, ok)).status).toBe(404);
  });

  it('without a token nothing asks for one (the default stays as it was)', async () => {
    d = await startTestDaemon({ METRICS_BACKEND: 'fast' });
    for (const p of ['/stats', '/metrics', '/metrics.json']) expect((await fetch(`${d.monitoringUrl}${p}`)).status, p).toBe(200);
  });
});

describe('session ids are never listed in clear', () => {
  for (const backend of ['fast', 'legacy', 'prom'] as const) {
    it(`${backend}: /metrics.json and /metrics show the short hash, not the id`, async () => {
      d = await startTestDaemon({ METRICS_BACKEND: backend });
      await withClient(d);
      const json = await (await fetch(`${d.monitoringUrl}/metrics.json`)).text();
      const prom = await (await fetch(`${d.monitoringUrl}/metrics`)).text();
      expect(json).not.toContain(SESSION);
      expect(prom).not.toContain(SESSION);
      const snap = JSON.parse(json) as { clients: Record<string, { messagesReceived: number }> };
      expect(snap.clients[sessionHash(SESSION)]).toMatchObject({ messagesReceived: 2 });
      if (backend === 'prom') expect(prom).toContain(`client="${sessionHash(SESSION)}"`);
    });
  }

  it('the hash is short, stable and not the id; escaped label values are hashed as the id they stand for', () => {
    expect(sessionHash(SESSION)).toMatch(/^s-[0-9a-f]{12}$/);
    expect(sessionHash(SESSION)).toBe(sessionHash(SESSION));
    expect(sessionHash('anonymous')).toBe('anonymous');
    expect(hashPrometheusClients('m{client="a\\"b"} 1\nn{kind="x"} 2')).toBe(`m{client="${sessionHash('a"b')}"} 1\nn{kind="x"} 2`);
  });
});
