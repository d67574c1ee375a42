/**
 * Scripting commands: EVAL, EVALSHA, SCRIPT LOAD / EXISTS / FLUSH / KILL. The Lua state lives
 * in lua/engine.ts, made at the first use. The command table is built by a factory because
 * redis.call needs the dispatcher, which in turn holds this table (see dispatch.ts).
 */
import { parseInt64 } from '../int64.ts';
import { NOSCRIPT, LuaScripting, type CommandExists, type ScriptCall } from '../lua/engine.ts';
import { NOT_INTEGER, OK, array, bulk, error } from '../resp-reply.ts';
import type { CommandSpec, Ctx, ServerState } from './types.ts';

const ONE_ARRAY_ITEM = [':0\r\n', ':1\r\n'];

/**
 * The Lua state and script cache of each fake server, made at its first EVAL / SCRIPT (one per
 * server, as in Redis). Kept here rather than on ServerState, so the command types need not know
 * the engine (which itself runs commands).
 */
const engines = new WeakMap<ServerState, LuaScripting>();

export function scriptingCommands(call: ScriptCall, exists: CommandExists): ReadonlyMap<string, CommandSpec> {
  const engine = (ctx: Ctx): LuaScripting => {
    let lua = engines.get(ctx.server);
    if (lua === undefined) engines.set(ctx.server, (lua = new LuaScripting(ctx.server, call, exists)));
    return lua;
  };

  /** Redis's evalGenericCommand: numkeys first, then the script, then the run. */
  function evalGeneric(ctx: Ctx, args: string[], bySha: boolean): string {
    const numkeys = parseInt64(args[2]);
    if (numkeys === undefined) return NOT_INTEGER;
    if (numkeys > args.length - 3) return error("ERR Number of keys can't be greater than number of args");
    if (numkeys < 0) return error("ERR Number of keys can't be negative");
    const lua = engine(ctx);
    let script;
    if (bySha) {
      script = lua.bySha1(args[1]);
      if (!script) return NOSCRIPT;
    } else {
      script = lua.load(args[1]);
      if (typeof script === 'string') return script;
    }
    const n = Number(numkeys);
    return lua.run(ctx, script, args.slice(3, 3 + n), args.slice(3 + n));
  }

  const evalsha = (ctx: Ctx, args: string[]): string => {
    // Redis: a sha of the wrong length cannot match, NOSCRIPT before anything else.
    if (args[1].length !== 40) return NOSCRIPT;
    return evalGeneric(ctx, args, true);
  };

  const scriptLoad = (ctx: Ctx, args: string[]): string => {
    const script = engine(ctx).load(args[2]);
    return typeof script === 'string' ? script : bulk(script.sha);
  };

  const scriptExists = (ctx: Ctx, args: string[]): string => {
    const lua = engines.get(ctx.server);
    const out: string[] = [];
    for (let i = 2; i < args.length; i++) out.push(ONE_ARRAY_ITEM[lua?.has(args[i]) ? 1 : 0]);
    return array(out);
  };

  const scriptFlush = (ctx: Ctx, args: string[]): string => {
    if (args.length === 3) {
      const opt = args[2].toLowerCase();
      if (opt !== 'sync' && opt !== 'async') return error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
    } else if (args.length > 3) return error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
    engines.get(ctx.server)?.reset();
    return OK;
  };

  return new Map<string, CommandSpec>([
    ['eval', { arity: -3, run: (ctx, args) => evalGeneric(ctx, args, false), noScript: true }],
    ['evalsha', { arity: -3, run: evalsha, noScript: true }],
    ['script', {
      arity: -2,
      run: () => OK, // never called: dispatch resolves the subcommand
      noScript: true,
      subcommands: new Map<string, CommandSpec>([
        ['load', { arity: 3, run: scriptLoad, noScript: true }],
        ['exists', { arity: -3, run: scriptExists, noScript: true }],
        ['flush', { arity: -2, run: scriptFlush, noScript: true }],
        ['kill', { arity: 2, run: () => error('NOTBUSY No scripts in execution right now.'), noScript: true }],
      ]),
    }],
  ]);
}
