/**
 * List commands: RPUSH, LPUSH, LRANGE, LTRIM, LLEN, LPOP, RPOP. A list is a JS array, head
 * first; a list that becomes empty is deleted, as Redis never keeps an empty one. Indexes are
 * Redis's: negative counts from the tail, out-of-range ends are clamped.
 */
import { parseInt64 } from '../int64.ts';
import { NOT_INTEGER, OK, WRONGTYPE, array, bulk, error, integer, nil } from '../resp-reply.ts';
import type { CommandSpec, Ctx } from './types.ts';

const EMPTY_ARRAY = '*0\r\n';
const NOT_POSITIVE = error('ERR value is out of range, must be positive');

/** The list at key, undefined when there is none, or WRONGTYPE's reply. */
function listAt(ctx: Ctx, key: string): string[] | undefined | string {
  const v = ctx.db.get(key, ctx.now);
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : WRONGTYPE;
}

/** An index argument as a number (int64 range, exact enough for clamping against a length). */
function index(raw: string): number | undefined {
  const v = parseInt64(raw);
  return v === undefined ? undefined : Number(v);
}

function push(left: boolean) {
  return (ctx: Ctx, args: string[]): string => {
    let list = listAt(ctx, args[1]);
    if (typeof list === 'string') return list;
    if (list === undefined) {
      list = [];
      ctx.db.set(args[1], list);
    }
    if (left) for (let i = 2; i < args.length; i++) list.unshift(args[i]);
    else for (let i = 2; i < args.length; i++) list.push(args[i]);
    return integer(list.length);
  };
}

/** Redis's start/end normalisation: negative from the tail, clamp; empty when start > end. */
function range(len: number, start: number, end: number): [number, number] {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end >= len) end = len - 1;
  return [start, end];
}

/**
 * LRANGE's and LTRIM's shared start: the list at args[1] with args[2..3] clamped to it, or the
 * reply to give instead (not an integer, WRONGTYPE, or `missing` when there is no such key).
 */
function listWindow(ctx: Ctx, args: string[], missing: string): { list: string[]; start: number; end: number } | string {
  const s = index(args[2]);
  const e = index(args[3]);
  if (s === undefined || e === undefined) return NOT_INTEGER;
  const list = listAt(ctx, args[1]);
  if (typeof list === 'string') return list;
  if (list === undefined) return missing;
  const [start, end] = range(list.length, s, e);
  return { list, start, end };
}

function lrange(ctx: Ctx, args: string[]): string {
  const w = listWindow(ctx, args, EMPTY_ARRAY);
  if (typeof w === 'string') return w;
  const { list, start, end } = w;
  if (start > end || start >= list.length) return EMPTY_ARRAY;
  let out = `*${end - start + 1}\r\n`;
  for (let i = start; i <= end; i++) out += bulk(list[i]);
  return out;
}

function ltrim(ctx: Ctx, args: string[]): string {
  const w = listWindow(ctx, args, OK);
  if (typeof w === 'string') return w;
  const { list, start, end } = w;
  if (start > end || start >= list.length) {
    ctx.db.delete(args[1]);
    return OK;
  }
  list.length = end + 1;
  if (start > 0) list.splice(0, start);
  return OK;
}

function llen(ctx: Ctx, args: string[]): string {
  const list = listAt(ctx, args[1]);
  if (typeof list === 'string') return list;
  return integer(list === undefined ? 0 : list.length);
}

/** LPOP/RPOP key [count]: a bulk without count, an array with it (nil array for no key). */
function pop(name: string, left: boolean) {
  return (ctx: Ctx, args: string[]): string => {
    if (args.length > 3) return error(`ERR wrong number of arguments for '${name}' command`);
    let count = -1;
    if (args.length === 3) {
      const c = parseInt64(args[2]);
      if (c === undefined || c < 0) return NOT_POSITIVE;
      count = Number(c);
    }
    const list = listAt(ctx, args[1]);
    if (typeof list === 'string') return list;
    if (list === undefined) return count < 0 ? nil(ctx.client.proto) : ctx.client.proto === 3 ? '_\r\n' : '*-1\r\n';
    if (count < 0) {
      const v = (left ? list.shift() : list.pop())!;
      if (list.length === 0) ctx.db.delete(args[1]);
      return bulk(v);
    }
    const n = Math.min(count, list.length);
    const taken = left ? list.splice(0, n) : list.splice(list.length - n, n).reverse();
    if (list.length === 0) ctx.db.delete(args[1]);
    return array(taken.map(bulk));
  };
}

export const listCommands: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([
  ['rpush', { arity: -3, run: push(false) }],
  ['lpush', { arity: -3, run: push(true) }],
  ['lrange', { arity: 4, run: lrange }],
  ['ltrim', { arity: 4, run: ltrim }],
  ['llen', { arity: 2, run: llen }],
  ['lpop', { arity: -2, run: pop('lpop', true) }],
  ['rpop', { arity: -2, run: pop('rpop', false) }],
]);
