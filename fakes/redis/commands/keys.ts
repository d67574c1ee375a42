/** Generic key commands: DEL, EXISTS, EXPIRE, PEXPIRE (with NX/XX/GT/LT), TTL, KEYS. */
import { globMatch } from '../glob.ts';
import { NOT_INTEGER, ONE, ZERO, bulk, error, integer, invalidExpire } from '../resp-reply.ts';
import { expireAt } from './expire-time.ts';
import type { CommandSpec, Ctx } from './types.ts';

function del(ctx: Ctx, args: string[]): string {
  let n = 0;
  for (let i = 1; i < args.length; i++) {
    // Look up first so an already-expired key does not count as deleted.
    if (ctx.db.get(args[i], ctx.now) !== undefined && ctx.db.delete(args[i])) n++;
  }
  return integer(n);
}

/** A key named twice counts twice, as in Redis. */
function exists(ctx: Ctx, args: string[]): string {
  let n = 0;
  for (let i = 1; i < args.length; i++) if (ctx.db.get(args[i], ctx.now) !== undefined) n++;
  return integer(n);
}

/** Redis 7's expireGenericCommand: options first, then the number, then the key. */
function expire(name: string, unitMs: 1 | 1000) {
  return (ctx: Ctx, args: string[]): string => {
    let nx = false, xx = false, gt = false, lt = false;
    for (let j = 3; j < args.length; j++) {
      const opt = args[j].toLowerCase();
      if (opt === 'nx') nx = true;
      else if (opt === 'xx') xx = true;
      else if (opt === 'gt') gt = true;
      else if (opt === 'lt') lt = true;
      else return error(`ERR Unsupported option ${args[j]}`);
    }
    if (nx && (xx || gt || lt)) return error('ERR NX and XX, GT or LT options at the same time are not compatible');
    if (gt && lt) return error('ERR GT and LT options at the same time are not compatible');
    const parsed = expireAt(args[2], unitMs, ctx.now, true);
    if ('error' in parsed) return parsed.error === 'not-integer' ? NOT_INTEGER : invalidExpire(name);
    const key = args[1];
    if (ctx.db.get(key, ctx.now) === undefined) return ZERO;
    const current = ctx.db.expireAt(key);
    // No TTL counts as an infinite one: GT never beats it, LT always does.
    if (nx && current !== undefined) return ZERO;
    if (xx && current === undefined) return ZERO;
    if (gt && (current === undefined || parsed.at <= current)) return ZERO;
    if (lt && current !== undefined && parsed.at >= current) return ZERO;
    if (parsed.at <= ctx.now) ctx.db.delete(key);
    else ctx.db.setExpireAt(key, parsed.at);
    return ONE;
  };
}

/** Seconds left, rounded to nearest as Redis does; -2 no key, -1 no TTL. */
function ttl(ctx: Ctx, args: string[]): string {
  if (ctx.db.get(args[1], ctx.now) === undefined) return integer(-2);
  const at = ctx.db.expireAt(args[1]);
  if (at === undefined) return integer(-1);
  return integer(Math.floor((Math.max(0, at - ctx.now) + 500) / 1000));
}

/** KEYS pattern: every live key that matches, in the store's order (Redis's is its hash order). */
function keys(ctx: Ctx, args: string[]): string {
  const pattern = args[1];
  const all = pattern === '*';
  const out: string[] = [];
  for (const key of ctx.db.data.keys()) {
    if ((all || globMatch(pattern, key)) && ctx.db.get(key, ctx.now) !== undefined) out.push(bulk(key));
  }
  return `*${out.length}\r\n${out.join('')}`;
}

export const keyCommands: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([
  ['del', { arity: -2, run: del }],
  ['exists', { arity: -2, run: exists }],
  ['expire', { arity: -3, run: expire('expire', 1000) }],
  ['pexpire', { arity: -3, run: expire('pexpire', 1) }],
  ['ttl', { arity: 2, run: ttl }],
  ['keys', { arity: 2, run: keys }],
]);
