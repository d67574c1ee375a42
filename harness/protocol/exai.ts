import type { FrameInfo, FrameKind, Handshake, HandshakeOptions, ProtocolAdapter } from './adapter.ts';
import { exaiPrefix, fastRequestId, type FastPrefix } from './fast-path.ts';
import { parseObject } from './json-object.ts';
import { compileTemplate, errorCode, ID_TEXT, parseRequestId, withUniqueField } from './template.ts';

/**
 * The EXAI daemon protocol (shared/EXAI-PROTOCOL.md). Tolerates the real daemon's defect: an error
 * with neither `op` nor `request_id` is an `orphan-error`, which the driver attributes to a call in
 * flight on that connection by the rule of orphan-attribution.ts (the tool it names narrows it). The real daemon's id-less `op:error` frames refuse a message
 * the client sent (OVER_CAPACITY: rate limit; VALIDATION_ERROR: bad JSON), so they are attributed the
 * same way; with a request id, they end that request. Any other id-less `op:error` (the reference
 * daemon's REDIS_ERROR when the session store fails after hello) is about the connection, not a
 * call: a `connection-error`, counted but never taken for a call's reply. See harness/protocol/README.md.
 */

/** Non-terminal frames of a call. */
const PARTIAL_OPS = new Set(['progress', 'stream_chunk', 'stream_complete']);
/** Replies that end a request (we only send call_tool, but a target may answer others). */
const TERMINAL_OPS = new Set(['call_tool_res', 'pong', 'list_tools_res', 'cancelled']);
/** Codes of an id-less `op:error` that refuse the message just sent, so a call ends with them. */
const REFUSAL_CODES = new Set(['OVER_CAPACITY', 'VALIDATION_ERROR']);

function handshake(opts: HandshakeOptions): Handshake {
  return {
    first: () => [JSON.stringify({ op: 'hello', ...(opts.token !== undefined ? { token: opts.token } : {}), session_id: opts.sessionId })],
    onFrame(frame) {
      const msg = parseObject(frame);
      if (msg === undefined) return { done: false, failed: `hello answered with a frame that is not a JSON object: ${frame.slice(0, 120)}` };
      if (msg.op === 'hello_ack') {
        if (msg.ok === true) return { done: true };
        return { done: false, failed: `hello rejected: ${String(msg.error ?? 'ok is not true')}` };
      }
      if (msg.op === 'error' || (msg.op === undefined && msg.error !== undefined)) {
        return { done: false, failed: `hello answered with error ${errorCode(msg.error)}` };
      }
      return { done: false }; // anything else before the ack (a monitoring frame...) is not ours to judge
    },
  };
}

/** The frames of a call, as the reference daemon writes them, for the fast path. */
const FAST_PREFIXES: readonly FastPrefix[] = [
  exaiPrefix('call_tool_res', true),
  exaiPrefix('stream_chunk', false),
  exaiPrefix('progress', false),
  exaiPrefix('stream_complete', false),
];

/**
 * The tool an id-less error names, as the real daemon writes it: `details.requested_tool`, or a
 * message "Tool not found: X" / "Unknown tool: X" (its unknown-tool errors).
 */
function namedTool(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { details, message } = error as { details?: { requested_tool?: unknown }; message?: unknown };
  if (typeof details?.requested_tool === 'string') return details.requested_tool;
  const m = typeof message === 'string' ? /^(?:Tool not found|Unknown tool): (\S+)$/.exec(message) : null;
  return m?.[1];
}

function classify(frame: string | Buffer, info: FrameInfo): FrameKind {
  info.error = undefined;
  info.reply = undefined;
  info.tool = undefined;
  if (typeof frame !== 'string') {
    for (const p of FAST_PREFIXES) {
      const id = fastRequestId(frame, p.bytes);
      if (id > 0) {
        info.requestId = id;
        return p.terminal ? 'terminal' : 'partial';
      }
    }
    frame = frame.toString();
  }
  const msg = parseObject(frame);
  if (msg === undefined) {
    info.error = 'frame is not a JSON object';
    return 'invalid';
  }
  const op = msg.op;
  if (typeof op === 'string') {
    const terminal = TERMINAL_OPS.has(op);
    if (terminal || PARTIAL_OPS.has(op) || op === 'error') {
      if (op === 'error' && (msg.request_id === undefined || msg.request_id === null)) {
        info.error = errorCode(msg.error);
        return info.error !== undefined && REFUSAL_CODES.has(info.error) ? 'orphan-error' : 'connection-error';
      }
      const id = parseRequestId(msg.request_id);
      if (Number.isNaN(id)) {
        info.error = `${op} with request_id ${JSON.stringify(msg.request_id)}`;
        return 'invalid';
      }
      info.requestId = id;
      if (!terminal && op !== 'error') return 'partial';
      info.error = op === 'error' ? (errorCode(msg.error) ?? 'ERROR') : errorCode(msg.error);
      return 'terminal';
    }
    return 'ignore';
  }
  if (op === undefined && msg.error !== undefined) {
    info.error = errorCode(msg.error);
    info.tool = namedTool(msg.error);
    return 'orphan-error';
  }
  info.error = 'frame without op';
  return 'invalid';
}

export const exaiAdapter: ProtocolAdapter = {
  name: 'exai',
  upgradeHeaders: () => ({}),
  handshake,
  buildRequest: (tool, args, requestId) =>
    JSON.stringify({ op: 'call_tool', request_id: String(requestId), name: tool, arguments: args }),
  compileRequest: (tool, args, uniqueField) =>
    compileTemplate({ op: 'call_tool', request_id: ID_TEXT, name: tool, arguments: withUniqueField(args, uniqueField) }),
  classify,
};
