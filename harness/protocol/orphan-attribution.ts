/**
 * Which call an error that names no request belongs to (harness/protocol/README.md, "Errors that
 * name no request"). The rule, by proof only, never by guess:
 *
 * 1. The candidates are the calls in flight on that connection when the error arrives, narrowed
 *    to the calls of the tool the error names, when it names one the connection has in flight.
 * 2. A call that gets its own terminal frame did not fail this way: it leaves every candidate set.
 * 3. When k open errors have candidate sets inside one set of k calls, those k calls are the ones
 *    that failed (one candidate for one error is the common case: one call in flight).
 * 4. When a candidate ends without a reply (timeout, closed connection), nothing can be proven any
 *    more: the errors it was a candidate of are unattributable. Those are counted apart
 *    (`ambiguous:<CODE>`), never charged to a call.
 *
 * A closed-model client has one call in flight, so rule 3 attributes at once; several in flight
 * (the open model) wait for the other candidates' replies.
 */

export interface AttributedError {
  /** The request id of the call that failed. */
  id: number;
  error: string;
}

interface OpenError {
  error: string;
  candidates: Set<number>;
}

export class OrphanErrors {
  private open: OpenError[] = [];
  /** Unattributable errors since the last take (rule 4). */
  private ambiguous: string[] = [];

  /** No error is waiting for proof: the hot path's only question. */
  get idle(): boolean {
    return this.open.length === 0;
  }

  /**
   * An id-less error arrived. `inflight`: the connection's calls, with the tool each called;
   * `namedTool`: the tool the error names, if any. Returns the calls now known to have failed.
   */
  add(error: string, inflight: Iterable<{ id: number; tool: string }>, namedTool?: string): AttributedError[] {
    const all: number[] = [];
    const named: number[] = [];
    for (const c of inflight) {
      all.push(c.id);
      if (namedTool !== undefined && c.tool === namedTool) named.push(c.id);
    }
    this.open.push({ error, candidates: new Set(named.length > 0 ? named : all) });
    return this.resolve();
  }

  /** A call ended by its own terminal frame (rule 2). */
  answered(id: number): AttributedError[] {
    if (this.open.length === 0) return [];
    for (const o of this.open) o.candidates.delete(id);
    return this.resolve();
  }

  /** A call ended without a reply (rule 4): the errors it might have been are unattributable. */
  unanswered(id: number): AttributedError[] {
    if (this.open.length === 0) return [];
    const keep: OpenError[] = [];
    for (const o of this.open) {
      if (o.candidates.has(id)) this.ambiguous.push(o.error);
      else keep.push(o);
    }
    this.open = keep;
    return this.resolve();
  }

  /** Unattributable errors since the last call (to be counted apart). */
  takeAmbiguous(): string[] {
    const out = this.ambiguous;
    this.ambiguous = [];
    return out;
  }

  /** Rule 3, repeated until nothing more follows; an empty candidate set is unattributable. */
  private resolve(): AttributedError[] {
    const out: AttributedError[] = [];
    for (let progress = true; progress; ) {
      progress = false;
      for (const o of this.open) {
        if (o.candidates.size === 0) {
          this.ambiguous.push(o.error);
          this.open = this.open.filter((x) => x !== o);
          progress = true;
          break;
        }
        const inside = this.open.filter((x) => x.candidates.size > 0 && [...x.candidates].every((id) => o.candidates.has(id)));
        if (inside.length < o.candidates.size) continue;
        const ids = [...o.candidates];
        const settled = inside.slice(0, ids.length);
        ids.forEach((id, i) => out.push({ id, error: settled[i].error }));
        this.open = this.open.filter((x) => !settled.includes(x));
        for (const x of this.open) for (const id of ids) x.candidates.delete(id);
        progress = true;
        break;
      }
    }
    return out;
  }
}
