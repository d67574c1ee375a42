/** Hash commands: HGET, HSET, HSETNX, HMGET, HEXISTS, HDEL, HLEN, HINCRBY, HGETALL. */
import { addInt64, parseInt64 } from '../int64.ts';
import { NOT_INTEGER, ONE, OVERFLOW, WRONGTYPE, ZERO, bulk, error, integer, mapFor, nil, wrongArity } from '../resp-reply.ts';
import type { CommandSpec, Ctx } from './types.ts';

const HASH_NOT_INTEGER = error('ERR hash value is not an integer');

/** The hash at key, a new empty one stored there (create), or WRONGTYPE's reply. */
function hashAt(ctx: Ctx, key: string, create: true): Map<string, string> | string;
function hashAt(ctx: Ctx, key: string, create: false): Map<string, string> | undefined | string;
function hashAt(ctx: Ctx, key: string, create: boolean): Map<string, string> | undefined | string {
  const v = ctx.db.get(key, ctx.now);
  if (v === undefined) {
    if (!create) return undefined;
    const h = new Map<string, string>();
    ctx.db.set(key, h);
    return h;
  }
  return v instanceof Map ? v : WRONGTYPE;
}

function hget(ctx: Ctx, args: string[]): string {
  const h = hashAt(ctx, args[1], false);
  if (typeof h === 'string') return h;
  const v = h?.get(args[2]);
  return v === undefined ? nil(ctx.client.proto) : bulk(v);
}

/** HSET key field value [field value ...]: the number of fields that were new. */
function hset(ctx: Ctx, args: string[]): string {
  if (args.length % 2 !== 0) return wrongArity('hset');
  const h = hashAt(ctx, args[1], true);
  if (typeof h === 'string') return h;
  let added = 0;
  for (let i = 2; i < args.length; i += 2) {
    if (!h.has(args[i])) added++;
    h.set(args[i], args[i + 1]);
  }
  return integer(added);
}

/** HSETNX key field value: 1 when the field was set, 0 when it already existed. */
function hsetnx(ctx: Ctx, args: string[]): string {
  const h = hashAt(ctx, args[1], false);
  if (typeof h === 'string') return h;
  if (h?.has(args[2])) return ZERO;
  if (h) h.set(args[2], args[3]);
  else ctx.db.set(args[1], new Map([[args[2], args[3]]]));
  return ONE;
}

/** HMGET key field [field ...]: a value or nil per field (all nil when there is no hash). */
function hmget(ctx: Ctx, args: string[]): string {
  const h = hashAt(ctx, args[1], false);
  if (typeof h === 'string') return h;
  const none = nil(ctx.client.proto);
  let out = `*${args.length - 2}\r\n`;
  for (let i = 2; i < args.length; i++) {
    const v = h?.get(args[i]);
    out += v === undefined ? none : bulk(v);
  }
  return out;
}

function hexists(ctx: Ctx, args: string[]): string {
  const h = hashAt(ctx, args[1], false);
  if (typeof h === 'string') return h;
  return h?.has(args[2]) ? ONE : ZERO;
}

/** HDEL key field [field ...]: how many were removed; the key goes with its last field. */
function hdel(ctx: Ctx, args: string[]): string {
  const h = hashAt(ctx, args[1], false);
  if (typeof h === 'string') return h;
  if (!h) return ZERO;
  let n = 0;
  for (let i = 2; i < args.length; i++) if (h.delete(args[i])) n++;
  if (h.size === 0) ctx.db.delete(args[1]);
  return integer(n);
}

function hlen(ctx: Ctx, args: string[]): string {
  const h = hashAt(ctx, args[1], false);
  if (typeof h === 'string') return h;
  return integer(h ? h.size : 0);
}

function hincrby(ctx: Ctx, args: string[]): string {
  const increment = parseInt64(args[3]);
  if (increment === undefined) return NOT_INTEGER;
  const h = hashAt(ctx, args[1], true);
  if (typeof h === 'string') return h;
  const current = h.get(args[2]);
  const base = current === undefined ? 0 : parseInt64(current);
  if (base === undefined) return HASH_NOT_INTEGER;
  const sum = addInt64(base, increment);
  if (sum === undefined) return OVERFLOW;
  h.set(args[2], String(sum));
  return integer(sum);
}

/** A RESP3 map; RESP2 gets the flat [field, value, ...] array. */
function hgetall(ctx: Ctx, args: string[]): string {
  const h = hashAt(ctx, args[1], false);
  if (typeof h === 'string') return h;
  const pairs: string[] = [];
  if (h) for (const [f, v] of h) pairs.push(bulk(f), bulk(v));
  return mapFor(ctx.client.proto, pairs);
}

export const hashCommands: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([
  ['hget', { arity: 3, run: hget }],
  ['hset', { arity: -4, run: hset }],
  ['hsetnx', { arity: 4, run: hsetnx }],
  ['hmget', { arity: -3, run: hmget }],
  ['hexists', { arity: 3, run: hexists }],
  ['hdel', { arity: -3, run: hdel }],
  ['hlen', { arity: 2, run: hlen }],
  ['hincrby', { arity: 4, run: hincrby }],
  ['hgetall', { arity: 2, run: hgetall }],
]);
