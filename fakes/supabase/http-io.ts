/** node:http plumbing of the Supabase fake: bounded binary bodies in, prepared responses out. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBodyBytes } from '../common/http-io.ts';

export const MAX_BODY_BYTES = 50 * 1024 * 1024;

/** What a route handler returns; the server writes it (with the standard reason phrase). */
export interface FakeResponse {
  status: number;
  headers: Record<string, string>;
  /** Omitted for HEAD and 204. */
  body: string | Buffer;
}

export { BodyTooLargeError } from '../common/http-io.ts';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return readBodyBytes(req, MAX_BODY_BYTES);
}

export const JSON_TYPE = 'application/json; charset=utf-8';

export function json(status: number, value: unknown, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

export function send(res: ServerResponse, r: FakeResponse, head: boolean): void {
  if (res.destroyed) return;
  const noBody = head || r.status === 204 || r.status === 304;
  const headers: Record<string, string | number> = { ...r.headers };
  if (!noBody) headers['content-length'] = Buffer.byteLength(r.body);
  res.writeHead(r.status, headers);
  res.end(noBody ? undefined : r.body);
}

/** PostgREST Content-Range, e.g. 0-9/42; the total is a star when not counted, the range a star when the page is empty. */
export function contentRange(offset: number, n: number, total: number | null): string {
  const t = total === null ? '*' : String(total);
  return n === 0 ? `*/${t}` : `${offset}-${offset + n - 1}/${t}`;
}
