import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

export type Protocol = 'exai' | 'mcp';

/** The target answered but refused us (bad token...): retrying will not help. */
export class RefusedError extends Error {
  override name = 'RefusedError';
}

function helloFrame(protocol: Protocol, token: string | undefined): string {
  if (protocol === 'mcp') {
    return JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'overbench-ready', version: '1' } },
    });
  }
  const frame: Record<string, string> = { op: 'hello', session_id: `overbench-ready-${randomBytes(4).toString('hex')}` };
  if (token) frame.token = token;
  return JSON.stringify(frame);
}

/** Resolves when the reply is a successful handshake; throws RefusedError when it is a refusal. */
function judge(protocol: Protocol, raw: string): boolean {
  let msg: Record<string, unknown>;
  try {
    msg = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw new RefusedError(`handshake reply is not JSON: ${raw.slice(0, 120)}`);
  }
  if (protocol === 'mcp') {
    if (msg.id !== 1) return false; // a notification; keep waiting for the reply
    if (msg.result) return true;
    throw new RefusedError(`MCP initialize failed: ${JSON.stringify(msg.error ?? msg).slice(0, 200)}`);
  }
  if (msg.op !== 'hello_ack') return false;
  if (msg.ok === true) return true;
  throw new RefusedError(`hello refused: ${JSON.stringify(msg.error ?? msg).slice(0, 200)}`);
}

/** One handshake attempt (EXAI hello or MCP initialize); the connection is closed afterwards. */
export function probeHandshake(url: string, protocol: Protocol, token: string | undefined, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    const timer = setTimeout(() => finish(new Error(`no handshake reply within ${timeoutMs} ms`)), timeoutMs);
    let done = false;
    function finish(err?: Error): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      if (err) reject(err);
      else resolve();
    }
    ws.on('open', () => ws.send(helloFrame(protocol, token)));
    ws.on('message', (data) => {
      try {
        if (judge(protocol, data.toString())) finish();
      } catch (e) {
        finish(e as Error);
      }
    });
    ws.on('error', (e) => finish(e));
    ws.on('close', (code, reason) => finish(new Error(`closed ${code} ${reason.toString()}`.trim())));
  });
}

/**
 * Retry the handshake until it succeeds, the deadline passes, or `gone()` says the process died.
 * Returns null when ready, else the reason it is not.
 */
export async function waitForHandshake(opts: {
  url: string;
  protocol: Protocol;
  token?: string;
  timeoutMs: number;
  gone?: () => string | null;
}): Promise<string | null> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = 'no attempt';
  for (;;) {
    const dead = opts.gone?.();
    if (dead) return dead;
    try {
      await probeHandshake(opts.url, opts.protocol, opts.token, Math.min(5000, Math.max(500, deadline - Date.now())));
      return null;
    } catch (e) {
      if (e instanceof RefusedError) return e.message;
      last = (e as Error).message;
    }
    if (Date.now() >= deadline) return `not ready within ${Math.round(opts.timeoutMs / 1000)} s (${last})`;
    await new Promise((r) => setTimeout(r, 150));
  }
}
