/**
 * A session id is the key to resume that session (EXAI-PROTOCOL.md, "Handshake"), so monitoring
 * never shows one: clients are listed by a short hash, stable for the daemon's life (the same
 * session keeps its row across reconnects) and useless for resuming. 'anonymous' (failed
 * handshakes) is no session and stays readable.
 */
import { createHash } from 'node:crypto';
import type { MetricsSnapshot } from '../metrics/types.ts';

export const ANONYMOUS = 'anonymous';

/** `s-` and the first 12 hex digits of sha256(id): 48 bits, no collision among a daemon's clients in practice. */
export function sessionHash(id: string): string {
  if (id === ANONYMOUS) return id;
  return `s-${createHash('sha256').update(id).digest('hex').slice(0, 12)}`;
}

/** The snapshot with `clients` keyed by hash (counters of ids that hash alike are summed, never dropped). */
export function hashSnapshotClients(snap: MetricsSnapshot): MetricsSnapshot {
  const clients: MetricsSnapshot['clients'] = {};
  for (const [id, counters] of Object.entries(snap.clients ?? {})) {
    const key = sessionHash(id);
    const prev = clients[key];
    if (!prev) clients[key] = { ...counters };
    else for (const k of Object.keys(counters) as (keyof typeof counters)[]) prev[k] += counters[k];
  }
  return { ...snap, clients };
}

/** Prometheus text with every `client="<id>"` label value replaced by its hash. */
export function hashPrometheusClients(text: string): string {
  return text.replace(/\bclient="((?:[^"\\]|\\.)*)"/g, (_m, escaped: string) => {
    const id = escaped.replace(/\\(["\\n])/g, (_e, c: string) => (c === 'n' ? '\n' : c));
    return `client="${sessionHash(id)}"`;
  });
}
