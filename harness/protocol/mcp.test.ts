import { describe, expect, it } from 'vitest';
import { newFrameInfo } from './adapter.ts';
import { mcpAdapter as mcp } from './mcp.ts';

describe('mcp adapter', () => {
  it('runs initialize -> notifications/initialized + tools/list -> done', () => {
    const hs = mcp.handshake({ sessionId: 'ignored' });
    const init = JSON.parse(hs.first()[0]);
    expect(init).toMatchObject({ jsonrpc: '2.0', method: 'initialize', params: { protocolVersion: expect.any(String), capabilities: {} } });
    const step = hs.onFrame(JSON.stringify({ jsonrpc: '2.0', id: init.id, result: { protocolVersion: '2025-06-18', capabilities: {} } }));
    expect(step.done).toBe(false);
    const [notif, list] = (step.send ?? []).map((f) => JSON.parse(f));
    expect(notif).toEqual({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(list).toMatchObject({ jsonrpc: '2.0', method: 'tools/list' });
    expect(hs.onFrame(JSON.stringify({ jsonrpc: '2.0', id: list.id, result: { tools: [] } }))).toEqual({ done: true });
  });

  it('fails the handshake on an initialize error', () => {
    const hs = mcp.handshake({ sessionId: 's' });
    const init = JSON.parse(hs.first()[0]);
    expect(hs.onFrame(JSON.stringify({ jsonrpc: '2.0', id: init.id, error: { code: -32600, message: 'bad version' } })).failed).toMatch(/initialize failed: -32600 bad version/);
  });

  it('sends a bearer token in the upgrade request', () => {
    expect(mcp.upgradeHeaders({ token: 'abc', sessionId: 's' })).toEqual({ authorization: 'Bearer abc' });
    expect(mcp.upgradeHeaders({ sessionId: 's' })).toEqual({});
  });

  it('builds tools/call with a numeric id', () => {
    expect(JSON.parse(mcp.buildRequest('echo', { a: 1 }, 5))).toEqual({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'echo', arguments: { a: 1 } } });
    const b = mcp.compileRequest('chat', { prompt: 'p' }, 'prompt');
    expect(JSON.parse(b(77))).toEqual({ jsonrpc: '2.0', id: 77, method: 'tools/call', params: { name: 'chat', arguments: { prompt: 'p #77' } } });
  });

  const classify = (frame: string) => {
    const info = newFrameInfo();
    const kind = mcp.classify(frame, info);
    return { kind, id: info.requestId, error: info.error, reply: info.reply };
  };

  it('classifies results, JSON-RPC errors and tool errors', () => {
    expect(classify('{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"ok"}]}}')).toMatchObject({ kind: 'terminal', id: 3, error: undefined });
    expect(classify('{"jsonrpc":"2.0","id":4,"error":{"code":-32602,"message":"Unknown tool"}}')).toMatchObject({ kind: 'terminal', id: 4, error: '-32602' });
    expect(classify('{"jsonrpc":"2.0","id":5,"result":{"content":[],"isError":true}}')).toMatchObject({ kind: 'terminal', id: 5, error: 'tool_error' });
    expect(classify('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}')).toMatchObject({ kind: 'orphan-error', error: '-32700' });
  });

  it('ignores notifications and answers a server ping', () => {
    expect(classify('{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}').kind).toBe('ignore');
    const ping = classify('{"jsonrpc":"2.0","id":"srv-1","method":"ping"}');
    expect(ping.kind).toBe('ignore');
    expect(JSON.parse(ping.reply ?? '')).toEqual({ jsonrpc: '2.0', id: 'srv-1', result: {} });
    expect(classify('{"jsonrpc":"2.0","id":"who","result":{}}').kind).toBe('invalid');
  });
});
