/**
 * The RESP fake's data: 16 numbered databases of strings, hashes and lists, with expiry in absolute
 * unix milliseconds as Redis keeps it. Expired keys vanish lazily when touched and are also
 * swept in the background (a bounded slice per tick, like Redis's active expire cycle), so
 * memory does not grow with keys that are never read again.
 */
/** A string, a hash (Map) or a list (array, head first). An empty hash or list is never stored. */
export type Value = string | Map<string, string> | string[];

export const DB_COUNT = 16;

export class Database {
  readonly data = new Map<string, Value>();
  /** key -> absolute expiry (unix ms); only keys that have one. */
  readonly expires = new Map<string, number>();
  private sweepCursor: Iterator<[string, number]> | undefined;

  /** The live value of key, deleting it first if its time is up. */
  get(key: string, now: number): Value | undefined {
    const at = this.expires.get(key);
    if (at !== undefined && at <= now) {
      this.delete(key);
      return undefined;
    }
    return this.data.get(key);
  }

  /** Store a value and drop any TTL (SET semantics unless the caller sets a new one). */
  set(key: string, value: Value, expireAt?: number): void {
    this.data.set(key, value);
    if (expireAt === undefined) this.expires.delete(key);
    else this.expires.set(key, expireAt);
  }

  /** Replace the value in place, keeping the TTL (INCR, HSET on an existing hash). */
  replace(key: string, value: Value): void {
    this.data.set(key, value);
  }

  delete(key: string): boolean {
    this.expires.delete(key);
    return this.data.delete(key);
  }

  /** FLUSHDB: every key and TTL gone. */
  clear(): void {
    this.data.clear();
    this.expires.clear();
    this.sweepCursor = undefined;
  }

  expireAt(key: string): number | undefined {
    return this.expires.get(key);
  }

  setExpireAt(key: string, at: number): void {
    this.expires.set(key, at);
  }

  /**
   * Look at up to `budget` keys with a TTL, continuing where the last call stopped (a Map
   * iterator survives deletions and sees insertions), and delete the expired ones.
   */
  sweep(now: number, budget: number): void {
    if (this.expires.size === 0) return;
    for (let i = 0; i < budget; i++) {
      this.sweepCursor ??= this.expires.entries();
      const next = this.sweepCursor.next();
      if (next.done) {
        this.sweepCursor = undefined;
        return;
      }
      const [key, at] = next.value;
      if (at <= now) this.delete(key);
    }
  }
}

export class Keyspace {
  readonly dbs: Database[] = Array.from({ length: DB_COUNT }, () => new Database());
  private timer: NodeJS.Timeout | undefined;

  /** Sweep every `everyMs`; the timer does not keep the process alive. */
  startSweeper(everyMs = 100, budgetPerDb = 500): void {
    this.timer ??= setInterval(() => {
      const now = Date.now();
      for (const db of this.dbs) db.sweep(now, budgetPerDb);
    }, everyMs).unref();
  }

  stopSweeper(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
