import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { Driver } from './driver.ts';
import { decodeHistogram } from './histogram.ts';
import { testConfig } from './testing/config.ts';

/**
 * Id-less errors with several calls in flight on one connection (open model): the real EXAI
 * daemon's `{"error":{...}}` for a failed tool names no request. The driver must charge each to
 * the call it belongs to (harness/protocol/orphan-attribution.ts), never to whichever is oldest.
 */
let wss: WebSocketServer | undefined;
let driver: Driver | undefined;
afterEach(async () => {
  await driver?.stop();
  await new Promise((r) => (wss ? wss.close(r) : r(undefined)));
  for (const c of wss?.clients ?? []) c.terminate();
  driver = wss = undefined;
});

/** `slow` answers after 40 ms, `bad` fails at once with an id-less error, `silent` never answers. */
async function target(): Promise<string> {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss!.once('listening', r));
  wss.on('connection', (ws) =>
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString());
      if (m.op === 'hello') return ws.send(JSON.stringify({ op: 'hello_ack', ok: true, session_id: m.session_id }));
      if (m.name === 'bad') return ws.send(JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: 'Tool execution failed: boom' } }));
      if (m.name === 'silent') return;
      setTimeout(() => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ op: 'call_tool_res', request_id: m.request_id, outputs: [] })), 40);
    }),
  );
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}

describe('id-less errors with several calls in flight', () => {
  it('each error is charged to the failing call, proven by the others\' replies, not to the oldest', async () => {
    const url = await target();
    driver = await Driver.start(
      testConfig(url, {
        clients: 1,
        load: { model: 'open', ratePerSec: 300, arrival: 'uniform' },
        mix: [
          { weight: 3, tool: 'slow' },
          { weight: 1, tool: 'bad' },
        ],
      }),
    );
    const s = await driver.window(600, true);
    expect(s.perTool.bad.requests).toBeGreaterThan(10);
    // every error went to a `bad` call: no `slow` call lost its success to a stranger's error
    expect(s.errorsByKind).toEqual({ INTERNAL_ERROR: s.perTool.bad.requests });
    expect(decodeHistogram(s.perTool.slow.histogram).totalCount).toBe(s.perTool.slow.requests);
    expect(s.requests).toBe(s.perTool.slow.requests + s.perTool.bad.requests);
  });

  it('when a candidate ends without a reply, the error is counted apart as ambiguous and charged to no call', async () => {
    const url = await target();
    driver = await Driver.start(
      testConfig(url, {
        clients: 1,
        requestTimeoutMs: 150,
        load: { model: 'open', ratePerSec: 40, arrival: 'uniform' },
        mix: [
          { weight: 1, tool: 'silent' },
          { weight: 1, tool: 'bad' },
        ],
      }),
    );
    const s = await driver.window(500, true);
    const ambiguous = s.errorsByKind['ambiguous:INTERNAL_ERROR'] ?? 0;
    expect(ambiguous).toBeGreaterThan(0);
    // nothing guessed: a `bad` call is ended by its error only when proven, else it times out
    expect((s.errorsByKind.INTERNAL_ERROR ?? 0) + (s.errorsByKind.timeout ?? 0)).toBe(s.requests);
    expect(s.errors).toBe(s.requests + ambiguous);
  });
});
