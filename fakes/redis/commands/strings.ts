/** String commands: GET, SET (EX/PX/NX/XX), SETEX, INCR, INCRBY. */
import { addInt64, parseInt64 } from '../int64.ts';
import { NOT_INTEGER, OK, OVERFLOW, SYNTAX, WRONGTYPE, bulk, integer, invalidExpire, nil } from '../resp-reply.ts';
import { expireAt } from './expire-time.ts';
import type { CommandSpec, Ctx } from './types.ts';

function get(ctx: Ctx, args: string[]): string {
  const v = ctx.db.get(args[1], ctx.now);
  if (v === undefined) return nil(ctx.client.proto);
  return typeof v === 'string' ? bulk(v) : WRONGTYPE;
}

/**
 * Shared by SET and SETEX. Order as in Redis's setGenericCommand: the expire time is checked
 * before NX/XX look at the key, so a bad EX is an error even when NX would not set.
 */
function setValue(ctx: Ctx, name: string, key: string, value: string, condition: 'nx' | 'xx' | '', expire?: { raw: string; unitMs: 1 | 1000 }): string {
  let at: number | undefined;
  if (expire) {
    const parsed = expireAt(expire.raw, expire.unitMs, ctx.now, false);
    if ('error' in parsed) return parsed.error === 'not-integer' ? NOT_INTEGER : invalidExpire(name);
    at = parsed.at;
  }
  if (condition !== '') {
    const exists = ctx.db.get(key, ctx.now) !== undefined;
    if (exists === (condition === 'nx')) return nil(ctx.client.proto);
  }
  ctx.db.set(key, value, at);
  return OK;
}

function set(ctx: Ctx, args: string[]): string {
  let condition: 'nx' | 'xx' | '' = '';
  let expire: { raw: string; unitMs: 1 | 1000 } | undefined;
  for (let j = 3; j < args.length; j++) {
    const opt = args[j].toLowerCase();
    const next = args[j + 1];
    // As Redis: an option may repeat (last EX wins) but NX/XX and EX/PX exclude each other.
    if (opt === 'nx' && condition !== 'xx') condition = 'nx';
    else if (opt === 'xx' && condition !== 'nx') condition = 'xx';
    else if (opt === 'ex' && expire?.unitMs !== 1 && next !== undefined) {
      expire = { raw: next, unitMs: 1000 };
      j++;
    } else if (opt === 'px' && expire?.unitMs !== 1000 && next !== undefined) {
      expire = { raw: next, unitMs: 1 };
      j++;
    } else return SYNTAX;
  }
  return setValue(ctx, 'set', args[1], args[2], condition, expire);
}

function setex(ctx: Ctx, args: string[]): string {
  return setValue(ctx, 'setex', args[1], args[3], '', { raw: args[2], unitMs: 1000 });
}

/** INCR keeps the key's TTL (the value changes in place), as Redis does. */
function incrBy(ctx: Ctx, key: string, by: string): string {
  const increment = parseInt64(by);
  if (increment === undefined) return NOT_INTEGER;
  const current = ctx.db.get(key, ctx.now);
  if (current !== undefined && typeof current !== 'string') return WRONGTYPE;
  const base = current === undefined ? 0 : parseInt64(current);
  if (base === undefined) return NOT_INTEGER;
  const sum = addInt64(base, increment);
  if (sum === undefined) return OVERFLOW;
  if (current === undefined) ctx.db.set(key, String(sum));
  else ctx.db.replace(key, String(sum));
  return integer(sum);
}

export const stringCommands: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([
  ['get', { arity: 2, run: get }],
  ['set', { arity: -3, run: set }],
  ['setex', { arity: 4, run: setex }],
  ['incr', { arity: 2, run: (ctx, args) => incrBy(ctx, args[1], '1') }],
  ['incrby', { arity: 3, run: (ctx, args) => incrBy(ctx, args[1], args[2]) }],
]);
