import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { probeHandshake, RefusedError, waitForHandshake } from './ready.ts';

/** One server that answers EXAI hello (token "good" only) and MCP initialize. */
let wss: WebSocketServer;
let url: string;

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  wss.on('connection', (ws) =>
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString());
      if (m.jsonrpc === '2.0') {
        ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: {} }));
        ws.send(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: m.params.protocolVersion, capabilities: {} } }));
      } else if (m.token === 'good') ws.send(JSON.stringify({ op: 'hello_ack', ok: true, session_id: m.session_id }));
      else ws.send(JSON.stringify({ op: 'hello_ack', ok: false, error: 'unauthorized' }));
    }),
  );
});
afterAll(() => new Promise((r) => wss.close(r)));

describe('readiness handshake', () => {
  it('EXAI hello with the token, MCP initialize (skipping notifications)', async () => {
    await probeHandshake(url, 'exai', 'good', 2000);
    await probeHandshake(url, 'mcp', undefined, 2000);
  });

  it('a refused hello fails at once instead of retrying until the deadline', async () => {
    await expect(probeHandshake(url, 'exai', 'bad', 2000)).rejects.toBeInstanceOf(RefusedError);
    const started = Date.now();
    const why = await waitForHandshake({ url, protocol: 'exai', token: 'bad', timeoutMs: 10_000 });
    expect(why).toMatch(/hello refused: "unauthorized"/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('nothing listening: the reason after the deadline names the connection error', async () => {
    const why = await waitForHandshake({ url: 'ws://127.0.0.1:1', protocol: 'exai', timeoutMs: 600 });
    expect(why).toMatch(/not ready within 1 s \(.*ECONNREFUSED/);
  });
});
