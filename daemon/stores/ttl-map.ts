/**
 * In-memory stand-in for Redis keys with a TTL, used when REDIS_URL is not set. Bounded: past
 * `maxEntries` the oldest insertion is evicted, so a memory store cannot grow without limit.
 */
export class TtlMap<V> {
  private readonly map = new Map<string, { v: V; exp: number }>();
  constructor(private readonly maxEntries = 100_000) {}

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (e.exp <= Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e.v;
  }

  set(key: string, v: V, ttlSec: number): void {
    this.map.delete(key);
    this.map.set(key, { v, exp: Date.now() + ttlSec * 1000 });
    if (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}
