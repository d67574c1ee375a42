/**
 * Lua scripting for the RESP fake: one Lua state per fake server (as Redis has one per
 * server), the script cache by SHA1 (every EVAL'd or loaded body stays until SCRIPT FLUSH, as
 * in Redis 7.0), and the `redis` library (call, pcall, error_reply, status_reply, sha1hex, log,
 * setresp, set_repl, replicate_commands, breakpoint, debug, acl_check_cmd, the LOG_* and REPL_*
 * constants, REDIS_VERSION[_NUM]).
 *
 * Errors follow Redis 7.0: a compile error is "ERR Error compiling script (new function):
 * user_script:1: ..."; an error raised while running (redis.call's, error(), a runtime error)
 * becomes the reply "<CODE msg> script: <sha>, on @user_script:<line>." via Redis's message
 * handler; redis.pcall returns the error as a table {err=...}.
 *
 * Known differences from redis-server 7.0 (the conformance script stays clear of them):
 * - cjson, cmsgpack and struct are absent (a script that uses them gets the missing-global error);
 * - `#!lua` flags, EVAL_RO and FUNCTION are not implemented;
 * - a runaway script is stopped with an error after scriptTimeLimitMs (default 5 s) instead of
 *   running on while other clients get BUSY;
 * - maps built from Lua tables, and KEYS, come out in another order than Redis's hash order;
 * - tostring(-0.0) after a 0 constant gives "-0" (Lua 5.1 gives "0"); error({1}) gives
 *   "ERR unknown error" where Redis crashes; xpcall handlers see Lua 5.3 wording.
 */
import { createHash } from 'node:crypto';
import type { ClientState, Ctx, ServerState } from '../commands/types.ts';
import type { Proto } from '../resp-reply.ts';
import { pushErrorTable, pushReply, replyFromLua } from './convert.ts';
import { lauxlib, lua, to_luastring, type lua_State } from './fengari-vm.ts';
import { luaErrorAs51 } from './messages.ts';
import { formatG } from './number-format.ts';
import { Lrand48, openEnvironment, raisePlain } from './stdlib.ts';
import { latin1, pushLatin1 } from './strings.ts';

/** Runs one command for redis.call with Redis's script checks; returns the encoded reply. */
export type ScriptCall = (server: ServerState, client: ClientState, args: string[], now: number) => string;
/** Whether a command (and subcommand) exists, for redis.acl_check_cmd. */
export type CommandExists = (args: string[]) => boolean;

const INFO_WHAT = to_luastring('nSl');

export const NOSCRIPT = '-NOSCRIPT No matching script. Please use EVAL.\r\n';

/** A script running longer than this is stopped with an error (Redis would answer BUSY to others). */
const DEFAULT_TIME_LIMIT_MS = 5000;

interface Script {
  readonly sha: string;
  /** Registry ref of the compiled function. */
  readonly ref: number;
}

/** What one EVAL needs while its script runs (redis.call and redis.setresp read it). */
interface Running {
  ctx: Ctx;
  sha: string;
  started: number;
  /** Over its time limit: every pcall re-raises until the script is out. */
  killed: boolean;
}

export function sha1hex(s: string): string {
  return createHash('sha1').update(s, 'latin1').digest('hex');
}

/** Redis 7.0 formats a Lua number argument of redis.call with %.17g. */
function numberArg(n: number): string {
  return formatG(n, 17);
}

/** "7.0.15" -> 0x07000f, as redis.REDIS_VERSION_NUM. */
function versionNum(v: string): number {
  const [a = 0, b = 0, c = 0] = v.split('.').map((x) => Number.parseInt(x, 10) || 0);
  return (a << 16) | (b << 8) | c;
}

export class LuaScripting {
  private L!: lua_State;
  private envRef = 0;
  private handlerRef = 0;
  private bySha = new Map<string, Script>();
  private byBody = new Map<string, Script>();
  private running: Running | undefined;
  private readonly rng = new Lrand48();
  /** The client redis.call runs as: the caller's db, RESP 2 unless redis.setresp(3). */
  private readonly client: ClientState;

  constructor(
    private readonly server: ServerState,
    private readonly call: ScriptCall,
    private readonly exists: CommandExists,
  ) {
    this.client = {
      id: 0, proto: 2, db: 0, authenticated: true, name: '', queue: null, dirty: false, closing: false,
    };
    this.reset();
  }

  /** A fresh state and an empty cache (SCRIPT FLUSH). */
  reset(): void {
    const L = lauxlib.luaL_newstate();
    this.L = L;
    this.bySha = new Map();
    this.byBody = new Map();
    lua.lua_atnativeerror(L, (L) => {
      // A bug of the fake (a JS exception under Lua) becomes a script error, said out loud.
      const e = lua.lua_touserdata(L, -1) as Error | undefined;
      console.error('RESP fake: internal error in Lua scripting', e);
      pushLatin1(L, `internal error in the RESP fake: ${String(e?.message ?? e)}`);
      return 1;
    });
    const limit = this.server.scriptTimeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
    const stopMessage = `script ran longer than ${limit} ms; the RESP fake stopped it (Redis would answer BUSY to other clients until SCRIPT KILL)`;
    const env = openEnvironment(L, (L) => this.buildRedisTable(L), this.rng, () => (this.running?.killed ? stopMessage : undefined));
    this.envRef = env.envRef;
    lua.lua_pushcfunction(L, (L) => this.errorHandler(L));
    this.handlerRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    // Redis defines its handler as a global; scripts can see (not change) it.
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.handlerRef);
    lua.lua_setfield(L, -2, '__redis__err__handler');
    lua.lua_pop(L, 1);
    lua.lua_sethook(L, (L) => {
      const r = this.running;
      if (r && (r.killed || Date.now() - r.started > limit)) {
        r.killed = true;
        raisePlain(L, stopMessage);
      }
    }, lua.LUA_MASKCOUNT, 10_000);
  }

  /** SCRIPT EXISTS: case-insensitive, as Redis's script dict. */
  has(sha: string): boolean {
    return this.bySha.has(sha.toLowerCase());
  }

  /** Compile (or find) a body: the script, or the error reply. */
  load(body: string): Script | string {
    const cached = this.byBody.get(body);
    if (cached) return cached;
    const sha = sha1hex(body);
    const known = this.bySha.get(sha);
    if (known) {
      this.byBody.set(body, known);
      return known;
    }
    const L = this.L;
    const bytes = Buffer.from(body, 'latin1');
    if (lauxlib.luaL_loadbuffer(L, bytes, bytes.length, '@user_script') !== lua.LUA_OK) {
      const msg = luaErrorAs51(latin1(lua.lua_tostring(L, -1) ?? new Uint8Array()));
      lua.lua_settop(L, 0);
      return `-ERR Error compiling script (new function): ${msg.replace(/[\r\n]/g, ' ')}\r\n`;
    }
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.envRef);
    lua.lua_setupvalue(L, -2, 1);
    const script = { sha, ref: lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX) };
    this.bySha.set(sha, script);
    this.byBody.set(body, script);
    return script;
  }

  /** EVALSHA's lookup (the sha is matched case-insensitively). */
  bySha1(sha: string): Script | undefined {
    return this.bySha.get(sha.length === 40 ? sha.toLowerCase() : sha);
  }

  /** Run a compiled script with KEYS and ARGV; the encoded reply. */
  run(ctx: Ctx, script: Script, keys: string[], argv: string[]): string {
    const L = this.L;
    this.client.db = ctx.client.db;
    this.client.proto = 2;
    lua.lua_settop(L, 0);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
    this.setArray(L, 'KEYS', keys);
    this.setArray(L, 'ARGV', argv);
    lua.lua_settop(L, 0);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.handlerRef);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, script.ref);
    const outer = this.running;
    this.running = { ctx, sha: script.sha, started: Date.now(), killed: false };
    let status: number;
    try {
      status = lua.lua_pcall(L, 0, 1, 1);
    } finally {
      this.running = outer;
    }
    let reply: string;
    if (status === lua.LUA_OK) reply = replyFromLua(L, ctx.client.proto, this.client.proto);
    else reply = this.errorReply(L, script.sha);
    lua.lua_settop(L, 0);
    return reply;
  }

  private setArray(L: lua_State, name: string, items: string[]): void {
    lua.lua_createtable(L, items.length, 0);
    for (let i = 0; i < items.length; i++) {
      pushLatin1(L, items[i]);
      lua.lua_rawseti(L, -2, i + 1);
    }
    lua.lua_setfield(L, 1, name);
  }

  /** The reply for a failed run: Redis's luaCallFunction with its error table. */
  private errorReply(L: lua_State, sha: string): string {
    if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) {
      const msg = lua.lua_type(L, -1) === lua.LUA_TSTRING ? latin1(lua.lua_tostring(L, -1)!) : 'execution failure';
      return `-ERR Error running script ${sha}, ${msg.slice(0, 100).replace(/[\r\n]/g, ' ')}\r\n`;
    }
    const str = (name: string): string | undefined => {
      lua.lua_getfield(L, -1, name);
      const v = lua.lua_isstring(L, -1) ? latin1(lua.lua_tostring(L, -1)!) : undefined;
      lua.lua_pop(L, 1);
      return v;
    };
    const msg = str('err') ?? 'ERR unknown error';
    const source = str('source');
    const line = str('line');
    const where = source !== undefined && line !== undefined ? ` script: ${sha}, on ${source}:${line}.` : '';
    return `-${`${msg}${where}`.replace(/[\r\n]/g, ' ')}\r\n`;
  }

  /**
   * Redis's __redis__err__handler: the error as a table {err=...} (a string gets "ERR "), with
   * the source and line of the Lua code that raised it (skipping a C function such as redis.call).
   */
  private errorHandler(L: lua_State): number {
    const ar = new lua.lua_Debug();
    let have = lua.lua_getstack(L, 1, ar) && lua.lua_getinfo(L, INFO_WHAT, ar);
    // fengari says 'J' for a JS function where C Lua says 'C'.
    if (have && ar.what !== null && (ar.what[0] === 0x43 || ar.what[0] === 0x4a)) have = lua.lua_getstack(L, 2, ar) && lua.lua_getinfo(L, INFO_WHAT, ar);
    if (lua.lua_type(L, 1) !== lua.LUA_TTABLE) {
      const text = lua.lua_type(L, 1) === lua.LUA_TSTRING ? latin1(lua.lua_tostring(L, 1)!) : latin1(lauxlib.luaL_tolstring(L, 1));
      lua.lua_settop(L, 0);
      lua.lua_createtable(L, 0, 3);
      pushLatin1(L, `ERR ${luaErrorAs51(text)}`);
      lua.lua_setfield(L, 1, 'err');
    } else lua.lua_settop(L, 1);
    if (have) {
      lua.lua_pushstring(L, ar.source ?? '');
      lua.lua_setfield(L, 1, 'source');
      lua.lua_pushnumber(L, ar.currentline);
      lua.lua_setfield(L, 1, 'line');
    }
    return 1;
  }

  // --- the redis table --------------------------------------------------------------------------

  private buildRedisTable(L: lua_State): void {
    lua.lua_createtable(L, 0, 24);
    const fn = (name: string, f: (L: lua_State) => number) => {
      lua.lua_pushcfunction(L, f);
      lua.lua_setfield(L, -2, name);
    };
    const num = (name: string, v: number) => {
      lua.lua_pushnumber(L, v);
      lua.lua_setfield(L, -2, name);
    };
    fn('call', (L) => this.redisCall(L, true));
    fn('pcall', (L) => this.redisCall(L, false));
    fn('sha1hex', (L) => {
      if (lua.lua_gettop(L) !== 1) return raisePlain(L, 'wrong number of arguments');
      const s = lua.lua_tostring(L, 1);
      pushLatin1(L, sha1hex(s ? latin1(s) : ''));
      return 1;
    });
    fn('status_reply', (L) => this.singleFieldTable(L, 'ok'));
    fn('error_reply', (L) => {
      if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== lua.LUA_TSTRING) {
        pushErrorTable(L, 'wrong number or type of arguments');
        return 1;
      }
      const e = latin1(lua.lua_tostring(L, -1)!);
      pushErrorTable(L, e.startsWith('-') ? e : `-${e}`);
      return 1;
    });
    fn('log', (L) => {
      const argc = lua.lua_gettop(L);
      if (argc < 2) return this.raiseTable(L, 'redis.log() requires two arguments or more.');
      if (!lua.lua_isnumber(L, 1)) return this.raiseTable(L, 'First argument must be a number (log level).');
      const level = lua.lua_tonumber(L, 1);
      if (level < 0 || level > 3) return this.raiseTable(L, 'Invalid debug level.');
      return 0; // the fake keeps no server log
    });
    fn('setresp', (L) => {
      if (lua.lua_gettop(L) !== 1) return this.raiseTable(L, 'redis.setresp() requires one argument.');
      const resp = Math.trunc(lua.lua_tonumber(L, 1));
      if (resp !== 2 && resp !== 3) return this.raiseTable(L, 'RESP version must be 2 or 3.');
      this.client.proto = resp as Proto;
      return 0;
    });
    fn('set_repl', (L) => {
      if (lua.lua_gettop(L) !== 1) return this.raiseTable(L, 'redis.set_repl() requires two arguments.');
      const flags = Math.trunc(lua.lua_tonumber(L, 1));
      if ((flags & ~3) !== 0) return this.raiseTable(L, 'Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
      return 0;
    });
    fn('replicate_commands', (L) => {
      lua.lua_pushboolean(L, true);
      return 1;
    });
    fn('breakpoint', (L) => {
      lua.lua_pushboolean(L, false);
      return 1;
    });
    fn('debug', () => 0);
    fn('acl_check_cmd', (L) => {
      const args = this.commandArgs(L);
      if (typeof args === 'number') return this.raiseTable(L, args === 0 ? 'Please specify at least one argument for this redis lib call' : 'Lua redis lib command arguments must be strings or integers');
      if (!this.exists(args)) return this.raiseTable(L, 'Invalid command passed to redis.acl_check_cmd()');
      lua.lua_pushboolean(L, true);
      return 1;
    });
    num('LOG_DEBUG', 0);
    num('LOG_VERBOSE', 1);
    num('LOG_NOTICE', 2);
    num('LOG_WARNING', 3);
    num('REPL_NONE', 0);
    num('REPL_AOF', 1);
    num('REPL_SLAVE', 2);
    num('REPL_REPLICA', 2);
    num('REPL_ALL', 3);
    pushLatin1(L, this.server.version);
    lua.lua_setfield(L, -2, 'REDIS_VERSION');
    num('REDIS_VERSION_NUM', versionNum(this.server.version));
  }

  /** luaPushError + luaError: raise {err="ERR msg"}. */
  private raiseTable(L: lua_State, msg: string): never {
    pushErrorTable(L, msg);
    return lua.lua_error(L);
  }

  /** redis.status_reply: {ok=s}, or an error table for bad arguments (returned, not raised). */
  private singleFieldTable(L: lua_State, field: string): number {
    if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== lua.LUA_TSTRING) {
      pushErrorTable(L, 'wrong number or type of arguments');
      return 1;
    }
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushvalue(L, 1);
    lua.lua_setfield(L, -2, field);
    return 1;
  }

  /** The arguments as strings; 0 when there are none, -1 when one is neither string nor number. */
  private commandArgs(L: lua_State): string[] | 0 | -1 {
    const argc = lua.lua_gettop(L);
    if (argc === 0) return 0;
    const args = new Array<string>(argc);
    for (let j = 1; j <= argc; j++) {
      const t = lua.lua_type(L, j);
      if (t === lua.LUA_TNUMBER) args[j - 1] = numberArg(lua.lua_tonumber(L, j));
      else if (t === lua.LUA_TSTRING) args[j - 1] = latin1(lua.lua_tostring(L, j)!);
      else return -1;
    }
    return args;
  }

  /** redis.call (raise = true) and redis.pcall. */
  private redisCall(L: lua_State, raise: boolean): number {
    const args = this.commandArgs(L);
    const running = this.running;
    let reply: string;
    if (args === 0) reply = '-ERR Please specify at least one argument for this redis lib call\r\n';
    else if (args === -1) reply = '-ERR Lua redis lib command arguments must be strings or integers\r\n';
    else if (!running) reply = '-ERR redis.call can only be called inside a script invocation\r\n';
    else reply = this.call(this.server, this.client, args, running.ctx.now);
    lua.lua_settop(L, 0);
    if (reply.charCodeAt(0) === 0x2d /* - */) {
      pushErrorTable(L, reply.slice(0, -2));
      if (args !== 0 && args !== -1) {
        lua.lua_pushboolean(L, true);
        lua.lua_setfield(L, -2, 'ignore_error_stats_update');
      }
      return raise ? lua.lua_error(L) : 1;
    }
    pushReply(L, reply, 0);
    return 1;
  }
}
