/**
 * Frames of EXAI-PROTOCOL.md: the type of an incoming one, and the outgoing ones, serialised once
 * each. The frames on the status round trip (stream_complete, call_tool_res) are built by
 * concatenation around pre-escaped parts, so a reply is one string built once, never an object
 * stringified and re-parsed.
 */

/** Incoming frames are untrusted JSON; fields are checked where they are used. */
export type Frame = Record<string, unknown>;

/** Request ids are echoed verbatim; JSON.stringify escapes whatever the client sent. */
export type RequestId = string | number | null;

const q = JSON.stringify;

let isoMs = -1;
let isoText = '';
/** ISO timestamp, recomputed at most once per millisecond (frames in a burst share it). */
export function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}

export interface LatencyMetrics {
  latency_ms: number;
  processing_ms: number;
  provider_name: string | null;
  global_sem_wait_ms?: number;
  provider_sem_wait_ms?: number;
}

export function helloAck(sessionId: string): string {
  return `{"op":"hello_ack","ok":true,"session_id":${q(sessionId)}}`;
}

export function helloRefused(error: 'unauthorized' | 'missing_hello' | 'invalid_session_id'): string {
  return `{"op":"hello_ack","ok":false,"error":"${error}"}`;
}

export function pong(id: RequestId): string {
  return `{"op":"pong","request_id":${q(id)},"timestamp":"${isoNow()}"}`;
}

export function cancelled(id: RequestId, found: boolean): string {
  return `{"op":"cancelled","request_id":${q(id)},"found":${found},"timestamp":"${isoNow()}"}`;
}

export function listToolsRes(id: RequestId, toolsJson: string): string {
  return `{"op":"list_tools_res","request_id":${q(id)},"tools":${toolsJson},"timestamp":"${isoNow()}"}`;
}

export function progress(idJson: string): string {
  return `{"op":"progress","request_id":${idJson},"message":"Tool execution in progress..."}`;
}

export function streamChunk(idJson: string, chunk: string): string {
  return `{"op":"stream_chunk","request_id":${idJson},"chunk":${q(chunk)},"timestamp":"${isoNow()}"}`;
}

export function streamComplete(idJson: string): string {
  return `{"op":"stream_complete","request_id":${idJson},"timestamp":"${isoNow()}"}`;
}

/** How the result was produced: fresh, from the result cache, or by joining a running call. */
export const ResultSource = { Fresh: 0, Cache: 1, Inflight: 2 } as const;
export type ResultSource = (typeof ResultSource)[keyof typeof ResultSource];

const SOURCE_FIELD = ['', ',"from_cache":true', ',"from_inflight":true'];

/** A successful call_tool_res; `textJson` is the output text already JSON-escaped. */
export function callToolRes(idJson: string, textJson: string, latency: LatencyMetrics, source: ResultSource): string {
  return `{"op":"call_tool_res","request_id":${idJson},"outputs":[{"type":"text","text":${textJson},"metadata":{"latency_metrics":${latencyJson(latency)}}}]${SOURCE_FIELD[source]}}`;
}

function latencyJson(l: LatencyMetrics): string {
  let s = `{"latency_ms":${round2(l.latency_ms)},"processing_ms":${round2(l.processing_ms)},"provider_name":${l.provider_name === null ? 'null' : q(l.provider_name)}`;
  if (l.global_sem_wait_ms !== undefined) s += `,"global_sem_wait_ms":${round2(l.global_sem_wait_ms)}`;
  if (l.provider_sem_wait_ms !== undefined) s += `,"provider_sem_wait_ms":${round2(l.provider_sem_wait_ms)}`;
  return s + '}';
}

function round2(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Error codes on the wire (EXAI-PROTOCOL.md plus the reference daemon's own). */
export type ErrorCode =
  | 'VALIDATION_ERROR' | 'INVALID_REQUEST' | 'TOOL_NOT_FOUND' | 'INTERNAL_ERROR' | 'OVER_CAPACITY'
  | 'TIMEOUT' | 'CANCELLED' | 'PROVIDER_ERROR' | 'PROVIDER_UNAVAILABLE' | 'REDIS_ERROR' | 'SUPABASE_ERROR';

export interface WireError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** The terminal error frame of a call: always with its request_id (the real daemon's defect fixed). */
export function callToolError(id: RequestId, err: WireError): string {
  return `{"op":"call_tool_res","request_id":${q(id)},"error":${q(err)}}`;
}

/** Error for a non-call op (or a frame we could not read); request_id is null when unknown. */
export function opError(id: RequestId, err: WireError): string {
  return `{"op":"error","request_id":${q(id)},"error":${q(err)}}`;
}
