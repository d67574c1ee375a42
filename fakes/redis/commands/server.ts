/** Server commands: FLUSHALL, FLUSHDB (with Redis's ASYNC|SYNC option), DBSIZE. */
import { OK, SYNTAX, integer } from '../resp-reply.ts';
import type { CommandSpec, Ctx } from './types.ts';

/** Redis's getFlushCommandFlags: no option, or exactly one of ASYNC / SYNC. */
function flushOptionOk(args: string[]): boolean {
  if (args.length > 2) return false;
  if (args.length === 1) return true;
  const opt = args[1].toLowerCase();
  return opt === 'async' || opt === 'sync';
}

function flushall(ctx: Ctx, args: string[]): string {
  if (!flushOptionOk(args)) return SYNTAX;
  for (const db of ctx.server.keyspace.dbs) db.clear();
  return OK;
}

function flushdb(ctx: Ctx, args: string[]): string {
  if (!flushOptionOk(args)) return SYNTAX;
  ctx.db.clear();
  return OK;
}

/** Keys whose time is up but not yet swept still count, as in Redis. */
function dbsize(ctx: Ctx): string {
  return integer(ctx.db.data.size);
}

export const serverCommands: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([
  ['flushall', { arity: -1, run: flushall }],
  ['flushdb', { arity: -1, run: flushdb }],
  ['dbsize', { arity: 1, run: dbsize }],
]);
