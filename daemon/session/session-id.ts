/** Session ids: client-chosen (3..64 of [A-Za-z0-9_-], EXAI-PROTOCOL.md) or random. */
import { randomUUID } from 'node:crypto';

const SESSION_ID = /^[A-Za-z0-9_-]{3,64}$/;

export function validSessionId(v: unknown): v is string {
  return typeof v === 'string' && SESSION_ID.test(v);
}

export function newSessionId(): string {
  return randomUUID();
}
