/** EXAI protocol with a real ws client against an in-process daemon: every op and error path. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestDaemon, type TestDaemon } from './testing/in-process.ts';
import { WsTestClient } from './testing/ws-test-client.ts';

describe('handshake', () => {
  let d: TestDaemon;
  beforeAll(async () => {
    d = await startTestDaemon({ EXAI_WS_TOKEN: 'sekret', EXAI_WS_HELLO_TIMEOUT: '0.3' });
  });
  afterAll(() => d.close());

  it('acks a hello with the right token and keeps the client session id', async () => {
    const c = await WsTestClient.open(d.url);
    c.send({ op: 'hello', token: 'sekret', session_id: 'sess_abc-1' });
    expect(await c.next((f) => f.op === 'hello_ack')).toEqual({ op: 'hello_ack', ok: true, session_id: 'sess_abc-1' });
    await c.close();
  });

  it('makes a random session id when the client sends none', async () => {
    const c = await WsTestClient.hello(d.url, { token: 'sekret' });
    expect(c.frames[0].session_id).toMatch(/^[0-9a-f-]{36}$/);
    await c.close();
  });

  it('refuses a wrong token with unauthorized and 4003', async () => {
    const c = await WsTestClient.open(d.url);
    c.send({ op: 'hello', token: 'nope' });
    expect(await c.next((f) => f.op === 'hello_ack')).toEqual({ op: 'hello_ack', ok: false, error: 'unauthorized' });
    expect(await c.closed()).toBe(4003);
  });

  it('refuses a first frame that is not hello with missing_hello and 4001', async () => {
    const c = await WsTestClient.open(d.url);
    c.send({ op: 'ping', request_id: 'x' });
    expect(await c.next((f) => f.op === 'hello_ack')).toEqual({ op: 'hello_ack', ok: false, error: 'missing_hello' });
    expect(await c.closed()).toBe(4001);
  });

  it('closes 4000 without a reply when the first frame is not JSON', async () => {
    const c = await WsTestClient.open(d.url);
    c.send('{not json');
    expect(await c.closed()).toBe(4000);
    expect(c.frames).toEqual([]);
  });

  it('closes 4002 when no hello arrives in time', async () => {
    const c = await WsTestClient.open(d.url);
    expect(await c.closed(3000)).toBe(4002);
  });

  it('refuses an invalid session id', async () => {
    const c = await WsTestClient.open(d.url);
    c.send({ op: 'hello', token: 'sekret', session_id: 'a b' });
    expect((await c.next((f) => f.op === 'hello_ack')).error).toBe('invalid_session_id');
    expect(await c.closed()).toBe(4001);
  });
});

describe('ops and errors', () => {
  let d: TestDaemon;
  let c: WsTestClient;
  beforeAll(async () => {
    d = await startTestDaemon({ EXAI_WS_MAX_BYTES: '4096' });
    c = await WsTestClient.hello(d.url, { session_id: 'ops-client' });
  });
  afterAll(async () => {
    await c.close();
    await d.close();
  });

  it('answers ping with pong and its request id', async () => {
    c.send({ op: 'ping', request_id: 'p1' });
    const f = await c.next((x) => x.op === 'pong');
    expect(f.request_id).toBe('p1');
    expect(Date.parse(f.timestamp)).toBeGreaterThan(0);
  });

  it('lists the tools with input schemas', async () => {
    c.send({ op: 'list_tools', request_id: 'l1' });
    const f = await c.next((x) => x.op === 'list_tools_res');
    expect(f.request_id).toBe('l1');
    expect(f.tools.map((t: { name: string }) => t.name).sort()).toEqual(['chat', 'echo', 'glm_chat', 'kimi_chat', 'status']);
    expect(f.tools.every((t: { inputSchema: unknown }) => typeof t.inputSchema === 'object')).toBe(true);
  });

  it('runs status: stream_complete then call_tool_res with latency_metrics, no I/O', async () => {
    const res = await c.call('s1', 'status');
    const i = c.frames.indexOf(res);
    expect(c.frames[i - 1]).toMatchObject({ op: 'stream_complete', request_id: 's1' });
    const out = res.outputs[0];
    expect(out.type).toBe('text');
    expect(JSON.parse(out.text)).toMatchObject({ status: 'ok', connections: 1, inflight: 0, circuits: { GLM: 'CLOSED', KIMI: 'CLOSED' } });
    expect(out.metadata.latency_metrics).toMatchObject({ provider_name: null });
    expect(out.metadata.latency_metrics.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('echoes arguments, via the tool_call form and with the suffix stripped', async () => {
    const a = await c.call('e1', 'echo_EXAI-WS', { x: 1, y: ['z'] });
    expect(JSON.parse(a.outputs[0].text)).toEqual({ x: 1, y: ['z'] });
    c.send({ op: 'tool_call', request_id: 'e2', tool: { name: 'echo-EXAI_WS' }, arguments: { q: true } });
    expect(JSON.parse((await c.result('e2')).outputs[0].text)).toEqual({ q: true });
  });

  it('answers an unknown tool with TOOL_NOT_FOUND carrying the request id', async () => {
    const r = await c.call('u1', 'no_such_tool');
    expect(r.error).toEqual({ code: 'TOOL_NOT_FOUND', message: 'Unknown tool: no_such_tool' });
  });

  it('answers structurally invalid calls with INVALID_REQUEST', async () => {
    c.send({ op: 'call_tool', request_id: 'i1', arguments: {} });
    expect((await c.result('i1')).error.code).toBe('INVALID_REQUEST');
    c.send({ op: 'call_tool', request_id: 'i2', name: 'echo', arguments: [1] });
    expect((await c.result('i2')).error.message).toMatch(/arguments/);
    c.send({ op: 'call_tool', name: 'echo' });
    const noId = await c.next((f) => f.op === 'call_tool_res' && f.request_id === null);
    expect(noId.error.message).toMatch(/request_id/);
  });

  it('rejects bad chat arguments as INVALID_REQUEST', async () => {
    expect((await c.call('a1', 'chat', { prompt: 42 })).error.code).toBe('INVALID_REQUEST');
  });

  it('answers an unknown op with an error carrying the request id', async () => {
    c.send({ op: 'frobnicate', request_id: 'o1' });
    const f = await c.next((x) => x.op === 'error' && x.request_id === 'o1');
    expect(f.error.code).toBe('INVALID_REQUEST');
    expect(f.error.message).toBe('Unknown op: frobnicate');
  });

  it('answers bad JSON after the handshake with VALIDATION_ERROR and keeps the connection', async () => {
    c.send('{"op":');
    const f = await c.next((x) => x.op === 'error' && x.error?.code === 'VALIDATION_ERROR');
    expect(f.error.message).toBe('Invalid JSON: message could not be parsed');
    expect(f.request_id).toBeNull();
    expect((await c.call('after-bad', 'echo', {})).outputs).toBeDefined();
  });

  it('still names the request id of a broken frame when it can be read', async () => {
    c.send('{"op":"call_tool","request_id":"broken-1","name":');
    const f = await c.next((x) => x.op === 'error' && x.request_id === 'broken-1');
    expect(f.error.code).toBe('VALIDATION_ERROR');
  });

  it('answers cancel of an unknown request with cancelled, found false', async () => {
    c.send({ op: 'cancel', request_id: 'nothing' });
    expect(await c.next((f) => f.op === 'cancelled')).toMatchObject({ request_id: 'nothing', found: false });
  });

  it('closes 1009 on a frame over EXAI_WS_MAX_BYTES', async () => {
    const big = await WsTestClient.hello(d.url);
    big.send({ op: 'call_tool', request_id: 'big', name: 'echo', arguments: { pad: 'x'.repeat(8000) } });
    expect(await big.closed()).toBe(1009);
  });
});

describe('admission and rate limits', () => {
  it('closes 1008 over the per-IP and global connection limits', async () => {
    const d = await startTestDaemon({ EXAI_MAX_CONNECTIONS_PER_IP: '2', EXAI_MAX_CONNECTIONS: '3' });
    try {
      const a = await WsTestClient.hello(d.url);
      const b = await WsTestClient.hello(d.url);
      const third = await WsTestClient.open(d.url);
      expect(await third.closed()).toBe(1008);
      expect(third.closeReason).toBe('Too many connections from your IP (2/2)');
      await a.close();
      await b.close();
    } finally {
      await d.close();
    }
    const g = await startTestDaemon({ EXAI_MAX_CONNECTIONS: '1' });
    try {
      const a = await WsTestClient.hello(g.url);
      const second = await WsTestClient.open(g.url);
      expect(await second.closed()).toBe(1008);
      expect(second.closeReason).toBe('Server overloaded - global connection limit reached');
      await a.close();
    } finally {
      await g.close();
    }
  });

  it('refuses messages over the session bucket with OVER_CAPACITY and the request id', async () => {
    const d = await startTestDaemon({ EXAI_RATE_LIMIT: 'on', EXAI_RATE_SESSION: '3/0.01' });
    try {
      const c = await WsTestClient.hello(d.url);
      for (let i = 0; i < 4; i++) c.send({ op: 'ping', request_id: `rl${i}` });
      const err = await c.next((f) => f.op === 'error' && f.request_id === 'rl3');
      expect(err.error).toEqual({
        code: 'OVER_CAPACITY',
        message: 'Rate limit exceeded: per-session rate limit',
        details: { reason: 'per-session rate limit', client_ip: '127.0.0.1' },
      });
      expect(c.frames.filter((f) => f.op === 'pong')).toHaveLength(3);
      await c.close();
    } finally {
      await d.close();
    }
  });
});

describe('protocol pings', () => {
  it('pings clients and terminates one that does not answer within the pong timeout', async () => {
    const d = await startTestDaemon({ EXAI_WS_PING_INTERVAL: '0.2', EXAI_WS_PING_TIMEOUT: '0.5' });
    try {
      const ok = await WsTestClient.hello(d.url);
      let pings = 0;
      ok.ws.on('ping', () => pings++);
      const silent = new WebSocket(d.url, { autoPong: false });
      await new Promise((r) => silent.once('open', r));
      silent.send(JSON.stringify({ op: 'hello' }));
      const code = await new Promise<number>((r) => silent.once('close', (c: number) => r(c)));
      expect(code).toBe(1006); // terminated, no close frame
      await new Promise((r) => setTimeout(r, 250));
      expect(pings).toBeGreaterThanOrEqual(2);
      expect(ok.closeCode).toBeNull();
      await ok.close();
    } finally {
      await d.close();
    }
  });
});
