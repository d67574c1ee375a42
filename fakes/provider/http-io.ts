/** Small node:http helpers for the provider fake: read a bounded body, send JSON, run after a delay. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBodyBytes } from '../common/http-io.ts';

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export { BodyTooLargeError } from '../common/http-io.ts';

/** The whole request body as text; rejects past MAX_BODY_BYTES or when the client leaves mid-body. */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req, MAX_BODY_BYTES)).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: string, headers?: Record<string, string>): void {
  if (res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/**
 * Run `fn` after `us` microseconds, unless the client goes away first (the timer is cleared, so a
 * closing server or an impatient client leaves nothing behind). 0 runs it now: no timer at zero latency.
 */
export function after(res: ServerResponse, us: number, fn: () => void): void {
  if (!(us > 0)) {
    fn();
    return;
  }
  const timer = setTimeout(() => {
    res.off('close', cancel);
    if (!res.destroyed) fn();
  }, us / 1000);
  const cancel = (): void => clearTimeout(timer);
  res.once('close', cancel);
}
