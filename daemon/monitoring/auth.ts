/**
 * Monitoring behind the token: with EXAI_WS_TOKEN set, every endpoint but /health needs
 * `Authorization: Bearer <token>` (the same token a WebSocket client sends in its hello). /health
 * stays open for load balancers and probes; it tells nothing about clients.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const OPEN_PATHS: ReadonlySet<string> = new Set(['/health']);

const digest = (s: string) => createHash('sha256').update(s).digest();

/** A check for one token; null token = no check (every request passes). */
export function bearerCheck(token: string | null | undefined): (req: IncomingMessage, pathname: string) => boolean {
  if (!token) return () => true;
  // Compare digests: equal length, so the comparison takes the same time whatever was sent.
  const want = digest(token);
  return (req, pathname) => {
    if (OPEN_PATHS.has(pathname)) return true;
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    return m !== null && timingSafeEqual(digest(m[1].trim()), want);
  };
}
