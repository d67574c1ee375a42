/**
 * The dashboard port against a real daemon in process: /api/metrics/current equals what a client
 * put on the wire, the /ws feed sends initial_stats then periodic frames whose figures move with
 * the load, it samples only while someone watches, and `off` means no port at all.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestDaemon, type TestDaemon } from '../testing/in-process.ts';
import { WsTestClient, type Json } from '../testing/ws-test-client.ts';
import { parseConfig } from '../config.ts';

async function getJson(url: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Json };
}

/** A feed viewer that records every frame. */
async function viewer(url: string): Promise<{ frames: Json[]; ws: WebSocket; waitFor: (pred: (f: Json[]) => boolean, ms?: number) => Promise<void> }> {
  const ws = new WebSocket(url.replace('http', 'ws') + '/ws');
  const frames: Json[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waitFor = async (pred: (f: Json[]) => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!pred(frames)) {
      if (Date.now() > end) throw new Error(`feed frames so far: ${frames.map((f) => f.type).join(',')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { frames, ws, waitFor };
}

describe('dashboard (EXAI_DASHBOARD_PORT)', () => {
  let d: TestDaemon;
  beforeAll(async () => {
    d = await startTestDaemon({ EXAI_DASHBOARD_PORT: '0', EXAI_DASHBOARD_INTERVAL_SECS: '0.1', METRICS_BACKEND: 'fast' });
  });
  afterAll(async () => d?.close());
  const clients: WsTestClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it('serves the page with every asset inline (uPlot included) and nothing fetched from elsewhere', async () => {
    const res = await fetch(d.dashboardUrl!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('uPlot');
    // (uPlot's licence names its home page; the browser test proves no request leaves the host)
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);
  });

  it('/api/metrics/current counts exactly the frames a client exchanged, and shows connections, semaphores and process figures', async () => {
    const before = (await getJson(`${d.dashboardUrl}/api/metrics/current`)).body;
    const c = await WsTestClient.hello(d.url);
    clients.push(c);
    for (let i = 0; i < 5; i++) await c.call(`s${i}`, 'status');
    const { status, body } = await getJson(`${d.dashboardUrl}/api/metrics/current`);
    expect(status).toBe(200);
    // hello + 5 calls in; hello_ack + 5 x (stream_complete + call_tool_res) out
    expect(body.messages.received - before.messages.received).toBe(c.sentFrames);
    expect(body.messages.sent - before.messages.sent).toBe(c.frames.length);
    expect(body.connections).toBe(1);
    expect(body.backend).toBe('fast');
    expect(body.semaphores.global).toEqual({ active: 0, capacity: 24, waiting: 0 });
    expect(Object.keys(body.semaphores).sort()).toEqual(['GLM', 'KIMI', 'global']);
    expect(body.process.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(body.circuits).toEqual({ GLM: 'CLOSED', KIMI: 'CLOSED' });
    expect(body.daemonWs.port).toBe(d.wsPort);
    expect(body.latencyUs).toBeTypeOf('object');
  });

  it('errors by kind: unknown tools, unparsable frames and a second hello, the same in /api/metrics/current, /metrics.json and the feed', async () => {
    const kinds = async () => (await getJson(`${d.dashboardUrl}/api/metrics/current`)).body.errors;
    const before = await kinds();
    const c = await WsTestClient.hello(d.url);
    clients.push(c);
    for (let i = 0; i < 3; i++) expect((await c.call(`nf${i}`, 'no_such_tool')).error.code).toBe('TOOL_NOT_FOUND');
    for (let i = 0; i < 2; i++) {
      c.send(`{"op":"call_tool","request_id":"bad${i}",`);
      expect((await c.next((f) => f.op === 'error' && f.request_id === `bad${i}`)).error.code).toBe('VALIDATION_ERROR');
    }
    c.send({ op: 'hello', request_id: 'again' });
    expect((await c.next((f) => f.op === 'error' && f.request_id === 'again')).error.code).toBe('INVALID_REQUEST');

    const after = await kinds();
    const delta = (k: string) => (after.byKind[k] ?? 0) - (before.byKind?.[k] ?? 0);
    expect([delta('tool_not_found'), delta('validation'), delta('protocol')]).toEqual([3, 2, 1]);
    expect(after.total - before.total).toBe(6);
    // Most frequent first, summing to the total.
    const counts = Object.values(after.byKind) as number[];
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(after.total);
    // The monitoring port's /metrics.json is the same snapshot.
    const json = (await getJson(`${d.monitoringUrl}/metrics.json`)).body;
    expect(json.errorsByKind).toEqual(after.byKind);
    // The feed carries it too.
    const v = await viewer(d.dashboardUrl!);
    try {
      await v.waitFor((f) => f.length >= 1);
      expect(v.frames[0].data.errors.byKind).toEqual(after.byKind);
    } finally {
      v.ws.close();
    }
  });

  it('/ws sends initial_stats first, then semaphore_metrics and websocket_health every interval; rates follow the load', async () => {
    const v = await viewer(d.dashboardUrl!);
    try {
      await v.waitFor((f) => f.length >= 1);
      expect(v.frames[0].type).toBe('initial_stats');
      expect(v.frames[0].data.messages).toBeDefined();
      const c = await WsTestClient.hello(d.url);
      clients.push(c);
      // Load until the feed has shown it twice: a fixed number of calls can finish inside one
      // sampling interval on a fast machine, and then only one update sees a rate above zero.
      let loading = true;
      const load = (async () => {
        for (let i = 0; loading; i++) await c.call(`w${i}`, 'echo', { text: 'x' });
      })();
      try {
        await v.waitFor((f) => f.filter((x) => x.type === 'websocket_health' && x.data.messages.inPerSec > 0).length >= 2, 10_000);
      } finally {
        loading = false;
        await load;
      }
      const types = new Set(v.frames.map((f) => f.type));
      expect(types).toEqual(new Set(['initial_stats', 'semaphore_metrics', 'websocket_health']));
      const health = v.frames.filter((f) => f.type === 'websocket_health');
      const received = health.map((f) => f.data.messages.received);
      expect(received[received.length - 1]).toBeGreaterThan(received[0]);
    } finally {
      v.ws.close();
    }
  });

  it('samples only while a viewer is connected', async () => {
    const v = await viewer(d.dashboardUrl!);
    await v.waitFor((f) => f.length >= 3);
    v.ws.close();
    await new Promise((r) => setTimeout(r, 100));
    const status = (await getJson(`${d.dashboardUrl}/status`)).body;
    expect(status.viewers).toBe(0);
  });

  it('answers unknown paths with 404 and the list of paths; only GET', async () => {
    const r = await getJson(`${d.dashboardUrl}/nope`);
    expect(r.status).toBe(404);
    expect(r.body.paths).toContain('/api/metrics/current');
    expect((await fetch(`${d.dashboardUrl}/api/metrics/current`, { method: 'POST' })).status).toBe(405);
  });
});

describe('errors by kind from every backend', () => {
  it.each(['legacy', 'prom', 'otel', 'none'] as const)('%s', async (backend) => {
    const d = await startTestDaemon({ EXAI_DASHBOARD_PORT: '0', METRICS_BACKEND: backend });
    const c = await WsTestClient.hello(d.url);
    try {
      await c.call('nf', 'no_such_tool');
      const { errors } = (await getJson(`${d.dashboardUrl}/api/metrics/current`)).body;
      // none counts nothing: null, which the page shows as "not reported", never as zero errors.
      expect(errors.byKind).toEqual(backend === 'none' ? null : { tool_not_found: 1 });
    } finally {
      await c.close();
      await d.close();
    }
  });
});

describe('dashboard configuration', () => {
  it('defaults to 8080 on loopback every 5 s; `off` disables it; a bad value names the variable', async () => {
    const c = parseConfig({});
    expect([c.dashboardHost, c.dashboardPort, c.dashboardIntervalSec]).toEqual(['127.0.0.1', 8080, 5]);
    expect(parseConfig({ EXAI_DASHBOARD_PORT: 'off' }).dashboardPort).toBeNull();
    expect(() => parseConfig({ EXAI_DASHBOARD_PORT: '99999' })).toThrow('daemon: EXAI_DASHBOARD_PORT must be an integer 0..65535, got "99999"');
    expect(() => parseConfig({ EXAI_DASHBOARD_INTERVAL_SECS: '0' })).toThrow(/EXAI_DASHBOARD_INTERVAL_SECS/);
    const d = await startTestDaemon({ EXAI_DASHBOARD_PORT: 'off' });
    try {
      expect(d.dashboardPort).toBeNull();
    } finally {
      await d.close();
    }
  });
});

describe('dashboard behind the daemon token (EXAI_WS_TOKEN)', () => {
  it('needs the token as a bearer header or ?token=, for the page, the JSON and the feed; /health stays open', async () => {
    const d = await startTestDaemon({ EXAI_DASHBOARD_PORT: '0', EXAI_WS_TOKEN: 's3cret' });
    try {
      const u = d.dashboardUrl!;
      expect((await fetch(`${u}/api/metrics/current`)).status).toBe(401);
      expect((await fetch(`${u}/`)).status).toBe(401);
      expect((await fetch(`${u}/api/metrics/current?token=wrong`)).status).toBe(401);
      expect((await fetch(`${u}/health`)).status).toBe(200);
      expect((await fetch(`${u}/api/metrics/current`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
      expect((await fetch(`${u}/?token=s3cret`)).status).toBe(200);
      const refused = await new Promise<string>((resolve) => {
        const ws = new WebSocket(`${u.replace('http', 'ws')}/ws`);
        ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
        ws.on('open', () => resolve('open'));
        ws.on('error', () => {});
      });
      expect(refused).toBe('401');
      const first = await new Promise<Json>((resolve, reject) => {
        const ws = new WebSocket(`${u.replace('http', 'ws')}/ws?token=s3cret`);
        ws.once('message', (data) => {
          resolve(JSON.parse(data.toString()));
          ws.close();
        });
        ws.once('error', reject);
      });
      expect(first.type).toBe('initial_stats');
    } finally {
      await d.close();
    }
  });
});
