import { describe, expect, it } from 'vitest';
import { newFrameInfo } from './adapter.ts';
import { exaiAdapter as exai } from './exai.ts';

describe('exai adapter', () => {
  it('says hello with token and session id, and is done on an ok hello_ack', () => {
    const hs = exai.handshake({ token: 't0k', sessionId: 'sess-1' });
    expect(hs.first().map((f) => JSON.parse(f))).toEqual([{ op: 'hello', token: 't0k', session_id: 'sess-1' }]);
    expect(hs.onFrame('{"op":"hello_ack","ok":true,"session_id":"sess-1"}')).toEqual({ done: true });
  });

  it('reports a refused hello with the reason', () => {
    const hs = exai.handshake({ sessionId: 's' });
    expect(JSON.parse(hs.first()[0])).toEqual({ op: 'hello', session_id: 's' });
    expect(hs.onFrame('{"op":"hello_ack","ok":false,"error":"unauthorized"}').failed).toBe('hello rejected: unauthorized');
  });

  it('builds call_tool frames, compiled or not, with string request ids', () => {
    expect(JSON.parse(exai.buildRequest('chat', { prompt: 'hi' }, 7))).toEqual({ op: 'call_tool', request_id: '7', name: 'chat', arguments: { prompt: 'hi' } });
    const same = exai.compileRequest('chat', { prompt: 'same', model: 'glm-4.5-flash' });
    expect(same(1)).toBe('{"op":"call_tool","request_id":"1","name":"chat","arguments":{"prompt":"same","model":"glm-4.5-flash"}}');
    const unique = exai.compileRequest('chat', { prompt: 'say "hi"' }, 'prompt');
    expect(JSON.parse(unique(42))).toEqual({ op: 'call_tool', request_id: '42', name: 'chat', arguments: { prompt: 'say "hi" #42' } });
    expect(unique(42)).not.toBe(unique(43));
  });

  const classify = (frame: string) => {
    const info = newFrameInfo();
    const kind = exai.classify(frame, info);
    return { kind, id: info.requestId, error: info.error };
  };

  it('ends a call on call_tool_res, with or without an error', () => {
    expect(classify('{"op":"call_tool_res","request_id":"12","outputs":[{"type":"text","text":"x"}]}')).toEqual({ kind: 'terminal', id: 12, error: undefined });
    expect(classify('{"op":"call_tool_res","request_id":"13","error":{"code":"INVALID_REQUEST","message":"Invalid message"}}')).toEqual({
      kind: 'terminal',
      id: 13,
      error: 'INVALID_REQUEST',
    });
  });

  it('treats progress and stream frames as partial', () => {
    for (const f of [
      '{"op":"progress","request_id":"4","message":"Tool execution in progress..."}',
      '{"op":"stream_chunk","request_id":"4","chunk":"..","timestamp":"t"}',
      '{"op":"stream_complete","request_id":"4","timestamp":"t"}',
    ]) {
      expect(classify(f)).toMatchObject({ kind: 'partial', id: 4 });
    }
  });

  it('attributes the real daemon id-less error and an id-less OVER_CAPACITY to the oldest call (orphan-error)', () => {
    expect(classify('{"error":{"code":"TOOL_NOT_FOUND","message":"Unknown tool: nope"}}')).toMatchObject({ kind: 'orphan-error', error: 'TOOL_NOT_FOUND' });
    expect(
      classify('{"op":"error","error":{"code":"OVER_CAPACITY","message":"Rate limit exceeded: session","details":{"reason":"session","client_ip":"127.0.0.1"}}}'),
    ).toMatchObject({ kind: 'orphan-error', error: 'OVER_CAPACITY' });
  });

  it('an id-less error that names a tool says which (the real daemon: "Tool not found: X", details.requested_tool)', () => {
    const tool = (frame: string) => {
      const info = newFrameInfo();
      exai.classify(frame, info);
      return info.tool;
    };
    expect(tool('{"error":{"code":"TOOL_NOT_FOUND","message":"Tool not found: nope"}}')).toBe('nope');
    expect(tool('{"error":{"code":"TOOL_NOT_FOUND","message":"Unknown tool: x_EXAI-WS","details":{"requested_tool":"x_EXAI-WS"}}}')).toBe('x_EXAI-WS');
    expect(tool('{"error":{"code":"INTERNAL_ERROR","message":"Tool execution failed: boom"}}')).toBeUndefined();
    // and the next frame does not inherit it
    const info = newFrameInfo();
    exai.classify('{"error":{"code":"TOOL_NOT_FOUND","message":"Tool not found: nope"}}', info);
    exai.classify('{"error":{"code":"INTERNAL_ERROR","message":"x"}}', info);
    expect(info.tool).toBeUndefined();
  });

  it('an id-less op:error that refuses no message is about the connection, not a call', () => {
    // The reference daemon's session store failing after hello: no call may take it for its reply.
    expect(classify('{"op":"error","request_id":null,"error":{"code":"REDIS_ERROR","message":"session store unavailable"}}')).toMatchObject({
      kind: 'connection-error',
      error: 'REDIS_ERROR',
    });
    expect(classify('{"op":"error","error":{"code":"VALIDATION_ERROR","message":"Invalid JSON"}}')).toMatchObject({ kind: 'orphan-error' });
    expect(classify('{"op":"error","error":{}}')).toMatchObject({ kind: 'connection-error' });
  });

  it('ends the named call on an op:error that carries its request id', () => {
    expect(classify('{"op":"error","request_id":"9","error":{"code":"OVER_CAPACITY","message":"x"}}')).toEqual({ kind: 'terminal', id: 9, error: 'OVER_CAPACITY' });
  });

  it('flags frames that violate the protocol and ignores unrelated ones', () => {
    expect(classify('not json').kind).toBe('invalid');
    expect(classify('[1,2]').kind).toBe('invalid');
    expect(classify('{"op":"call_tool_res","request_id":"abc"}').kind).toBe('invalid');
    expect(classify('{"hello":1}').kind).toBe('invalid');
    expect(classify('{"op":"hello_ack","ok":true}').kind).toBe('ignore');
    expect(classify('{"type":"semaphore_metrics","op":"dashboard"}').kind).toBe('ignore');
  });

  it('classifies a raw Buffer exactly as its text (fast path or not)', () => {
    const frames = [
      '{"op":"call_tool_res","request_id":"12","outputs":[{"type":"text","text":"x"}]}',
      '{"op":"call_tool_res","request_id":"12","outputs":[{"type":"text","text":"says \\"error\\" in text"}]}',
      '{"op":"call_tool_res","request_id":"13","error":{"code":"INVALID_REQUEST","message":"m"}}',
      '{"op":"call_tool_res","request_id":"14","outputs":[],"metadata":{"error":null}}',
      '{"request_id":"15","op":"call_tool_res","outputs":[]}',
      '{"op":"call_tool_res","request_id":"16"} ',
      '{"op":"call_tool_res","request_id":"1x7","outputs":[]}',
      '{"op":"call_tool_res","request_id":"0","outputs":[]}',
      '{"op":"call_tool_res","request_id":"18"',
      '{"op":"stream_chunk","request_id":"4","chunk":"..","timestamp":"t"}',
      '{"op":"progress","request_id":"4","message":"m"}',
      '{"op":"stream_complete","request_id":"4","timestamp":"t"}',
      '{"op":"error","error":{"code":"OVER_CAPACITY","message":"x"}}',
      '{"error":{"code":"TOOL_NOT_FOUND","message":"Unknown tool"}}',
      '{"op":"hello_ack","ok":true}',
      `{"op":"call_tool_res","request_id":"19","outputs":[{"type":"text","text":"${'x'.repeat(400)}"}]}`,
      `{"op":"call_tool_res","request_id":"20","outputs":[{"type":"text","text":"${'x'.repeat(400)}"}],"error":{"code":"LATE"}}`,
    ];
    for (const f of frames) {
      const a = newFrameInfo();
      const b = newFrameInfo();
      const kindText = exai.classify(f, a);
      const kindBuf = exai.classify(Buffer.from(f), b);
      expect({ f, kind: kindBuf, id: b.requestId, error: b.error }).toEqual({ f, kind: kindText, id: a.requestId, error: a.error });
    }
    // and the fast path did not swallow the error reply
    const info = newFrameInfo();
    expect(exai.classify(Buffer.from(frames[2]), info)).toBe('terminal');
    expect(info.error).toBe('INVALID_REQUEST');
  });
});
