/**
 * The seed's send dedup (src/monitoring/websocket_deduplication.py, as resilient_websocket.py uses
 * it): a frame whose hash of `connection:canonical JSON` was sent on the same connection within
 * the TTL is not sent again, and the send counts as done. Behaviour ported, not code:
 * - the seed hashes with xxhash64 when installed, else SHA-256; we use SHA-256 (node:crypto);
 * - the seed re-scans every remembered id on every send to expire old ones (O(n) per send); the
 *   TTL is the same for every entry, so insertion order is expiry order and we drop expired ones
 *   from the front (amortised O(1)); the frames dropped are the same;
 * - the seed has no bound; we cap the remembered hashes (oldest forgotten first) so memory is
 *   bounded under any load.
 * Our frames are strings already, so the canonical form costs a parse where the seed, holding a
 * dict, pays only the sorted dump: both are "hash the canonical JSON of every outgoing frame".
 * Consequence the seed has too: frames equal to the byte, such as a call's repeated `progress`
 * frames, reach the client once per TTL.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../common/json.ts';

export class SendDedup {
  /** hash -> time it expires; Map order is insertion order = expiry order. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1_000_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get size(): number {
    return this.seen.size;
  }

  /** The frame's dedup key on this connection. */
  static key(scope: number, text: string): string {
    let canonical: string;
    try {
      canonical = canonicalJson(JSON.parse(text));
    } catch {
      canonical = text;
    }
    return createHash('sha256').update(`${scope}:${canonical}`).digest('base64');
  }

  /** True when this frame was sent on this connection within the TTL; else remembers it and returns false. */
  isDuplicate(scope: number, text: string): boolean {
    const now = this.now();
    for (const [k, exp] of this.seen) {
      if (exp > now) break;
      this.seen.delete(k);
    }
    const key = SendDedup.key(scope, text);
    if (this.seen.has(key)) return true;
    this.seen.set(key, now + this.ttlMs);
    if (this.seen.size > this.maxEntries) this.seen.delete(this.seen.keys().next().value!);
    return false;
  }
}
