/** Small node:http helpers for the provider fake: read a bounded body, send JSON, run after a delay. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export class BodyTooLargeError extends Error {}
export class ClientGoneError extends Error {}

/** The whole request body as text; rejects past MAX_BODY_BYTES. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(`body larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    // A client that leaves mid-body: settle, so nothing waits on it forever.
    req.once('close', () => {
      if (!req.complete) reject(new ClientGoneError('client closed the connection before the body was complete'));
    });
  });
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
