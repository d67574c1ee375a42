/**
 * The result cache: sha256 of `name:` + the arguments as sorted-key JSON (the real daemon's
 * make_call_key), TTL 300 s by default. In Redis when configured, else in memory.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { TtlMap } from './ttl-map.ts';
import { canonicalJson } from '../../common/json.ts';

export function callKey(name: string, args: unknown): string {
  return createHash('sha256').update(`${name}:${canonicalJson(args)}`).digest('hex');
}

export interface ResultCache {
  get(key: string): Promise<string | null>;
  set(key: string, text: string): Promise<void>;
}

export function createResultCache(redis: Redis | null, ttlSec: number): ResultCache {
  if (redis) {
    return {
      get: (key) => redis.get(`exai:cache:${key}`),
      set: async (key, text) => {
        await redis.set(`exai:cache:${key}`, text, 'EX', ttlSec);
      },
    };
  }
  const mem = new TtlMap<string>(10_000);
  return {
    get: async (key) => mem.get(key) ?? null,
    set: async (key, text) => mem.set(key, text, ttlSec),
  };
}
