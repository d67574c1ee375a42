import type { FrameInfo, FrameKind, Handshake, HandshakeOptions, ProtocolAdapter } from './adapter.ts';
import { parseObject } from './json-object.ts';
import { compileTemplate, errorCode, ID_NUMBER, parseRequestId, withUniqueField } from './template.ts';

/**
 * MCP as JSON-RPC 2.0 over WebSocket: initialize -> notifications/initialized -> tools/list, then
 * tools/call. A response with our numeric id ends a request; `error` objects and tool results with
 * `isError: true` are errors. Handshake ids are strings, so they never collide with request ids.
 */

export const MCP_PROTOCOL_VERSION = '2025-06-18';
const INIT_ID = 'overbench-init';
const LIST_ID = 'overbench-tools';

/** The answer to a request the server sent us: ping gets `{}`, anything else "method not found". */
function answerServerRequest(msg: Record<string, unknown>): string {
  if (msg.method === 'ping') return JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: {} });
  return JSON.stringify({ jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: `overbench does not handle ${String(msg.method)}` } });
}

function handshake(_opts: HandshakeOptions): Handshake {
  return {
    first: () => [
      JSON.stringify({
        jsonrpc: '2.0',
        id: INIT_ID,
        method: 'initialize',
        params: { protocolVersion: MCP_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'overbench', version: '0.1.0' } },
      }),
    ],
    onFrame(frame) {
      const msg = parseObject(frame);
      if (msg === undefined) return { done: false, failed: `initialize answered with a frame that is not a JSON object: ${frame.slice(0, 120)}` };
      if (msg.method !== undefined) {
        return msg.id !== undefined ? { done: false, send: [answerServerRequest(msg)] } : { done: false };
      }
      if (msg.error !== undefined && (msg.id === INIT_ID || msg.id === LIST_ID)) {
        return { done: false, failed: `${msg.id === INIT_ID ? 'initialize' : 'tools/list'} failed: ${errorCode(msg.error)} ${String((msg.error as { message?: unknown }).message ?? '')}`.trim() };
      }
      if (msg.id === INIT_ID) {
        return {
          done: false,
          send: [
            JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
            JSON.stringify({ jsonrpc: '2.0', id: LIST_ID, method: 'tools/list', params: {} }),
          ],
        };
      }
      if (msg.id === LIST_ID) return { done: true };
      return { done: false };
    },
  };
}

function classify(frame: string | Buffer, info: FrameInfo): FrameKind {
  info.error = undefined;
  info.tool = undefined;
  info.reply = undefined;
  const msg = parseObject(typeof frame === 'string' ? frame : frame.toString());
  if (msg === undefined) {
    info.error = 'frame is not a JSON object';
    return 'invalid';
  }
  if (msg.method !== undefined) {
    if (msg.id !== undefined) info.reply = answerServerRequest(msg);
    return 'ignore'; // notifications (progress, logging, list_changed) do not end a call
  }
  if (msg.id === undefined || msg.id === null) {
    if (msg.error !== undefined) {
      info.error = errorCode(msg.error); // a JSON-RPC error with a null id: the server could not read our request
      return 'orphan-error';
    }
    info.error = 'JSON-RPC message with neither method nor id';
    return 'invalid';
  }
  const id = parseRequestId(msg.id);
  if (Number.isNaN(id)) {
    if (msg.id === INIT_ID || msg.id === LIST_ID) return 'ignore';
    info.error = `response with unknown id ${JSON.stringify(msg.id)}`;
    return 'invalid';
  }
  info.requestId = id;
  if (msg.error !== undefined) info.error = errorCode(msg.error);
  else if ((msg.result as { isError?: unknown } | undefined)?.isError === true) info.error = 'tool_error';
  else if (msg.result === undefined) info.error = 'response without result';
  return 'terminal';
}

export const mcpAdapter: ProtocolAdapter = {
  name: 'mcp',
  upgradeHeaders: (opts): Record<string, string> => (opts.token !== undefined ? { authorization: `Bearer ${opts.token}` } : {}),
  handshake,
  buildRequest: (tool, args, requestId) =>
    JSON.stringify({ jsonrpc: '2.0', id: requestId, method: 'tools/call', params: { name: tool, arguments: args } }),
  compileRequest: (tool, args, uniqueField) =>
    compileTemplate({ jsonrpc: '2.0', id: ID_NUMBER, method: 'tools/call', params: { name: tool, arguments: withUniqueField(args, uniqueField) } }),
  classify,
};
