/** node:http plumbing shared by the HTTP fakes: a bounded request body that always settles. */
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

export class ClientGoneError extends Error {
  override name = 'ClientGoneError';
}

/** The whole request body; rejects past maxBytes (draining the rest) or when the client leaves mid-body. */
export function readBodyBytes(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(`request body larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
    // A client that leaves mid-body: settle, so nothing waits on it forever.
    req.once('close', () => {
      if (!req.complete) reject(new ClientGoneError('client closed the connection before the body was complete'));
    });
  });
}
