import type { ClientRef } from './types.ts';

/**
 * The fast backend's ClientRef, one per slot (shared by every connection of the client): it
 * holds the per-frame counts since they were last settled into the backend's cells, as plain
 * fields. Why not increment the cells directly: `overbench tight --profile ci` put the status
 * call's increments at +1.8% and +2.0% of the call (41-42 ns) in the Float64Array, at +0.5% to
 * +1.2% (13-32 ns, six runs) as fields of one class. Likely why: inlined into the daemon's frame
 * handling, a store to an array element may alias any element the surrounding code loaded, which
 * it must then load again; a store to a named field aliases that field only. The fields stay
 * small integers (settled every flush or snapshot), so each count is an integer add.
 */
export class FastClient implements ClientRef {
  received = 0;
  bytesReceived = 0;
  sent = 0;
  bytesSent = 0;

  constructor(
    /** The client this slot serves now: a reclaimed slot's ref is handed to the next client. */
    public id: string,
    readonly slot: number,
  ) {}
}

/** Requests of one tool since they were last settled (the fast backend's requestDone). */
export class ToolTally {
  ok = 0;
  failed = 0;
}
